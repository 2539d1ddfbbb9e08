package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import fitmon.replication.Peer;
import fitmon.replication.ReplicationSettings;
import fitmon.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReplicaHealthTest {

    private static ReplicationSettings settings(List<Integer> ports) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            peers.add(new Peer(i, "127.0.0.1", ports.get(i)));
        }
        return ReplicationSettings.of(peers, (ports.size() - 1) / 3);
    }

    private static boolean[] answeredBy(int n, int... ids) {
        boolean[] answered = new boolean[n];
        for (int id : ids) {
            answered[id] = true;
        }
        return answered;
    }

    @Test
    void aReplicaMissingManyRepliesInARowIsLeftOutButNeverMoreThanF() {
        ReplicaHealth health = new ReplicaHealth(settings(FreePorts.pairs(4)), true);
        int[] all = {0, 1, 2, 3};
        for (int i = 0; i < ReplicaHealth.MISSES_BEFORE_EXCLUSION - 1; i++) {
            health.record(all, answeredBy(4, 0, 1));
        }
        assertThat(health.targets()).containsExactly(0, 1, 2, 3);
        health.record(all, answeredBy(4, 0, 1));
        // 2 and 3 both missed enough, but only f=1 may be left out: 2f+1 targets remain
        assertThat(health.targets()).hasSize(3).contains(0, 1);
    }

    @Test
    void anAnswerResetsTheCount() {
        ReplicaHealth health = new ReplicaHealth(settings(FreePorts.pairs(4)), true);
        int[] all = {0, 1, 2, 3};
        for (int i = 0; i < 3 * ReplicaHealth.MISSES_BEFORE_EXCLUSION; i++) {
            health.record(all, i % 5 == 0 ? answeredBy(4, 0, 1, 2, 3) : answeredBy(4, 0, 1, 2));
        }
        assertThat(health.targets()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void probingLeavesOutARefusingReplicaAndTakesItBackWhenItListensAgain() throws Exception {
        List<Integer> ports = FreePorts.pairs(4);
        List<ServerSocket> listening = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) { // replica 3 is down
                listening.add(new ServerSocket(ports.get(i), 50, InetAddress.getLoopbackAddress()));
            }
            ReplicaHealth health = new ReplicaHealth(settings(ports), true);
            health.probe();
            assertThat(health.targets()).containsExactly(0, 1, 2);
            assertThat(health.isExcluded(3)).isTrue();

            listening.add(new ServerSocket(ports.get(3), 50, InetAddress.getLoopbackAddress()));
            health.probe();
            assertThat(health.targets()).containsExactly(0, 1, 2, 3);
        } finally {
            for (ServerSocket s : listening) {
                s.close();
            }
        }
    }

    @Test
    void disabledItAlwaysSendsToEveryone() {
        ReplicaHealth health = new ReplicaHealth(settings(FreePorts.pairs(4)), false);
        health.probe(); // nobody listens
        for (int i = 0; i < 2 * ReplicaHealth.MISSES_BEFORE_EXCLUSION; i++) {
            health.record(new int[] {0, 1, 2, 3}, answeredBy(4, 0, 1, 2));
        }
        assertThat(health.targets()).containsExactly(0, 1, 2, 3);
    }
}
