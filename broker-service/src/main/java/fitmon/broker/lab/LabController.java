package fitmon.broker.lab;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import fitmon.broker.problem.ReplicaProblems;
import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.broker.replication.ReplicaRuntime;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/lab} shows, {@code PUT /api/v1/lab} changes what this replica does wrong.
 * Exists in lab mode only (see {@link LabProperties}); every request carries the lab token.
 */
@RestController
@ConditionalOnProperty(prefix = "fitmon.broker.lab", name = "enabled", havingValue = "true")
class LabController {

    /** The body of a change: {@code {"mode":"delay","delayMillis":2000}}. */
    record Change(String mode, Long delayMillis) {
    }

    /** The body of a partition: {@code {"cutOffFrom":[0,1]}}; an empty list heals. */
    record Partition(List<Integer> cutOffFrom) {
    }

    /** What the replica does now, and what it could be told. */
    record View(int replica, String mode, String description, long delayMillis, List<String> modes,
                List<Integer> cutOffFrom) {
    }

    private final LabSwitches switches;
    private final LabToken token;
    private final int replicaId;
    private final ReplicaRuntime runtime;

    LabController(LabSwitches switches, LabProperties properties, BrokerReplicaProperties replica, ReplicaRuntime runtime) {
        this.switches = switches;
        this.runtime = runtime;
        this.token = LabToken.read(properties.tokenFile());
        this.replicaId = replica.replicaId();
    }

    @GetMapping("/api/v1/lab")
    View show(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        authorize(authorization);
        return view();
    }

    @PutMapping("/api/v1/lab")
    View change(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                @RequestBody Change change) {
        authorize(authorization);
        if (change == null || change.mode() == null) {
            throw ReplicaProblems.problem(HttpStatus.BAD_REQUEST, "MISBEHAVIOUR_REQUIRED", "No misbehaviour given",
                    "give {\"mode\": ...}, one of " + Misbehaviour.labels());
        }
        Misbehaviour mode;
        try {
            mode = Misbehaviour.parse(change.mode());
        } catch (IllegalArgumentException e) {
            throw ReplicaProblems.problem(HttpStatus.BAD_REQUEST, "UNKNOWN_MISBEHAVIOUR", "Not a misbehaviour",
                    e.getMessage());
        }
        LabSetting setting;
        try {
            setting = new LabSetting(mode, change.delayMillis() == null ? null : Duration.ofMillis(change.delayMillis()));
        } catch (IllegalArgumentException e) {
            throw ReplicaProblems.problem(HttpStatus.BAD_REQUEST, "INVALID_DELAY", "Invalid delay", e.getMessage());
        }
        switches.set(setting);
        return view();
    }

    /** Cuts this replica's links to the given peers, in both directions, until healed with an empty list. */
    @PutMapping("/api/v1/lab/links")
    View partition(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                   @RequestBody Partition partition) {
        authorize(authorization);
        if (partition == null || partition.cutOffFrom() == null) {
            throw ReplicaProblems.problem(HttpStatus.BAD_REQUEST, "PEERS_REQUIRED", "No peers given",
                    "give {\"cutOffFrom\": [replica ids]}; an empty list heals the partition");
        }
        try {
            runtime.silencePeers(new TreeSet<>(partition.cutOffFrom()));
        } catch (IllegalArgumentException e) {
            throw ReplicaProblems.problem(HttpStatus.BAD_REQUEST, "UNKNOWN_PEER", "Not a peer", e.getMessage());
        } catch (IllegalStateException e) {
            throw ReplicaProblems.problem(HttpStatus.CONFLICT, "LINKS_NOT_RELAYED", "Links cannot be cut", e.getMessage());
        }
        return view();
    }

    private void authorize(String authorization) {
        if (!token.matches(authorization)) {
            throw ReplicaProblems.problem(HttpStatus.UNAUTHORIZED, "LAB_TOKEN_REQUIRED", "Lab token required",
                    "lab requests carry Authorization: Bearer TOKEN, the token of fitmon.broker.lab.token-file");
        }
    }

    private View view() {
        LabSetting now = switches.current();
        return new View(replicaId, now.mode().label(), now.mode().description(), now.delay().toMillis(),
                Arrays.stream(Misbehaviour.values()).map(Misbehaviour::label).toList(),
                List.copyOf(new TreeSet<>(runtime.silencedPeers())));
    }
}
