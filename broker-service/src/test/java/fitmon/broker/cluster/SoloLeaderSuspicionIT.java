package fitmon.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.ResultCodec;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A follower frozen (SIGSTOP) while the others order a steady load loses consensus messages: its
 * peers' send queues and, when it resumes, its own receive queue overflow. It then cannot decide
 * the instance it was in, its request timer fires, and it asks alone for a leader change that
 * nobody joins. Afterwards the group orders only a light load, far fewer instances than would make
 * the library fetch state by itself (200). The frozen replica must still come back to the group's
 * state while commands keep arriving, in each of a few rounds (see docs/replication.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SoloLeaderSuspicionIT {

    private static final String TAG = "solo.suspicion";
    private static final int PROBES = 1;
    private static final int FROZEN = 2;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /**
     * Enough consensus messages (about seven per instance) to overflow the frozen replica's
     * receive queue of 1000 when it resumes, too few instances for the library to fetch state
     * by itself (it does so 200 instances behind).
     */
    private static final int INSTANCES_WHILE_FROZEN = 230;
    /** At two to three light commands a second this stays well under the library's 200-instance mark. */
    private static final Duration CATCH_UP = Duration.ofSeconds(12);
    private static final int ROUNDS = 3;
    private static final Path LOGS = Path.of("target", "solo-leader-suspicion-it-logs");

    private ProbedCluster fixture;
    private BrokerCluster cluster;
    private OrderingClient client;
    private final List<TestProbe> probes = new ArrayList<>();
    private long appended;

    @BeforeAll
    void startCluster() throws Exception {
        fixture = ProbedCluster.start(LOGS, 2600, TAG, "solo", PROBES,
                new ChannelRetention(1_000_000, 256L * 1024 * 1024), STARTUP);
        cluster = fixture.cluster;
        client = fixture.client;
        probes.addAll(fixture.probes);
    }

    @AfterAll
    void stopCluster() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aFollowerLeftAloneInALeaderChangeCatchesUpUnderLightLoad() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            long logOffset = Files.size(cluster.replica(FROZEN).logFile());
            freezeWhileOrdering();
            // Light load: one command at a time, until all four agree or time is up.
            long deadline = System.nanoTime() + CATCH_UP.toNanos();
            boolean agreed = false;
            int light = 0;
            while (!agreed && System.nanoTime() < deadline) {
                publish(probes.get(0));
                light++;
                Thread.sleep(400);
                agreed = cluster.sameDigest(List.of(0, 1, 2, 3));
            }
            String frozenLog = logSince(FROZEN, logOffset);
            System.out.printf("round %d, replica %d after resuming: %d light commands; its log has %d 'in queue full' "
                            + "lines, %d STOP sent, %d states installed%n", round, FROZEN, light,
                    count(frozenLog, "in queue full"), count(frozenLog, "sending STOP message"),
                    count(frozenLog, "installed proof for consensus"));
            assertThat(agreed).as("round %d: replica %d reached the others' state digest within %d s of light load "
                    + "(digests: %s)", round, FROZEN, CATCH_UP.toSeconds(), digests()).isTrue();
        }
        assertThat(cluster.log(FROZEN, TAG)).hasSize((int) appended).isEqualTo(cluster.log(0, TAG));
    }

    /** One worker: one request per consensus instance, so completed requests count instances. */
    private void freezeWhileOrdering() throws Exception {
        try (ContinuousLoad load = new ContinuousLoad(client, TAG, probes, 1)) {
            load.start();
            awaitMoreRequests(load, 20);
            cluster.replica(FROZEN).suspend();
            try {
                awaitMoreRequests(load, INSTANCES_WHILE_FROZEN);
                load.close();
            } finally {
                cluster.replica(FROZEN).resume();
            }
            assertThat(load.failures()).isEmpty();
            appended += load.appended();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void publish(TestProbe probe) throws Exception {
        CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(
                new Publish(TAG, List.of(probe.nextBytes(TAG))))).get(60, TimeUnit.SECONDS));
        assertThat(result).isInstanceOfSatisfying(CommandResult.Published.class,
                p -> assertThat(p.outcomes()).allMatch(o -> o instanceof EventOutcome.Appended));
        appended++;
    }


    private static void awaitMoreRequests(ContinuousLoad load, long more) throws InterruptedException {
        long target = load.completedRequests() + more;
        BrokerCluster.await(more + " more requests to complete", STARTUP, () -> load.completedRequests() >= target);
    }

    private List<String> digests() {
        List<String> digests = new ArrayList<>();
        for (int r = 0; r < cluster.n(); r++) {
            digests.add(r + "=" + cluster.digest(r));
        }
        return digests;
    }



    private String logSince(int replica, long offset) throws IOException {
        byte[] all = Files.readAllBytes(cluster.replica(replica).logFile());
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
