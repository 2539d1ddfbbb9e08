package fitmon.broker.readapi;

import java.time.Instant;
import java.util.HexFormat;

import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.Misbehaviour;
import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.broker.replication.ReplicaRuntime;
import fitmon.broker.replication.ReplicatedBroker;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/replica}: id, group size, progress and state digest of this replica. Open to
 * anyone who reaches the replica's port; the digest comes from {@link AgreedStateDigest}, so
 * polling costs no copy of the state per request.
 */
@RestController
class ReplicaController {

    private final ReplicatedBroker broker;
    private final AgreedStateDigest digest;
    private final ReplicaRuntime runtime;
    private final BrokerReplicaProperties properties;
    private final LabSwitches lab;

    ReplicaController(ReplicatedBroker broker, AgreedStateDigest digest, ReplicaRuntime runtime,
                      BrokerReplicaProperties properties, LabSwitches lab) {
        this.lab = lab;
        this.broker = broker;
        this.digest = digest;
        this.runtime = runtime;
        this.properties = properties;
    }

    @GetMapping("/api/v1/replica")
    ReplicaResponse replica() {
        AgreedStateDigest.Point progress = digest.current();
        var restored = runtime.restored();
        long lastConsensusId = broker.lastConsensusId();
        ReplicaResponse.Restored fromDisk = null;
        if (restored != null) {
            lastConsensusId = Math.max(lastConsensusId, restored.consensusId());
            fromDisk = new ReplicaResponse.Restored(restored.consensusId(), restored.snapshotConsensusId(),
                    restored.batchesReplayed(), restored.droppedBytes());
        }
        return new ReplicaResponse(properties.replicaId(), properties.peers().size(), properties.f(),
                runtime.state(), lastConsensusId, progress.appliedCommands(),
                Instant.ofEpochMilli(progress.consensusTimeMillis()),
                HexFormat.of().formatHex(lab.is(Misbehaviour.LYING_READS) ? madeUp(progress.digest()) : progress.digest()),
                fromDisk, runtime.regency(), runtime.leader(),
                runtime.activity());
    }

    /** A digest no state has: every bit of the true one flipped. */
    private static byte[] madeUp(byte[] digest) {
        byte[] lie = digest.clone();
        for (int i = 0; i < lie.length; i++) {
            lie[i] = (byte) ~lie[i];
        }
        return lie;
    }
}
