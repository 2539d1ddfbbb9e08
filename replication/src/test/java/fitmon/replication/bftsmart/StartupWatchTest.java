package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.replication.Peer;
import fitmon.replication.ReplicationSettings;
import fitmon.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replica still waiting for its group whose library message thread dies (the library once threw
 * on it while a leader change was going on as a replica rejoined) fails instead of waiting for
 * its group forever, so that its process ends and is restarted.
 */
class StartupWatchTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @SuppressWarnings({"deprecation", "removal"})
    void aMessageThreadThatDiesWhileTheReplicaWaitsForItsGroupFailsTheReplica() throws Exception {
        List<Integer> ports = FreePorts.pairs(4);
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            peers.add(new Peer(i, "127.0.0.1", ports.get(i)));
        }
        ReplicationSettings settings = ReplicationSettings.of(peers, 1).withOrderingTimeout(Duration.ofMillis(500));
        BftSmartReplica alone = new BftSmartReplica(0, settings, new RecordingService(0)); // its peers never start
        try {
            alone.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (alone.messageThread() == null || !alone.messageThread().isAlive()) {
                assertThat(System.nanoTime()).as("the library's message thread to run").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            assertThat(alone.state()).isEqualTo(ReplicaState.WAITING_FOR_PEERS);
            assertThat(alone.failure()).isNotDone();

            alone.messageThread().stop(); // as an exception escaping the library's loop would end it

            Throwable cause = alone.failure().get(10, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("message thread ended");
            assertThat(alone.state()).isEqualTo(ReplicaState.STOPPED);
        } finally {
            alone.close();
        }
    }
}
