package fitmon.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReplicationSettingsTest {

    private static List<Peer> peers(int n) {
        return ReplicationSettings.parsePeers(java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> "127.0.0.1:" + (11000 + 10 * i)).toList());
    }

    @Test
    void fourReplicasToleratingOneFault() {
        ReplicationSettings settings = ReplicationSettings.of(peers(4), 1);
        assertThat(settings.n()).isEqualTo(4);
        assertThat(settings.replyQuorum()).isEqualTo(2);
        assertThat(settings.orderingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ReplicationSettings.of(peers(7), 2).replyQuorum()).isEqualTo(3);
    }

    @Test
    void tooFewReplicasForF() {
        assertThatThrownBy(() -> ReplicationSettings.of(peers(6), 2))
                .hasMessageContaining("f=2 needs at least 7 replicas, got 6");
    }

    @Test
    void fMustBeWhatTheGroupSizeGives() {
        // The library derives f from n and would silently use 1 here.
        assertThatThrownBy(() -> ReplicationSettings.of(peers(7), 1))
                .hasMessageContaining("7 replicas tolerate f=2, not f=1");
    }

    @Test
    void fZeroIsRefused() {
        assertThatThrownBy(() -> ReplicationSettings.of(peers(4), 0)).hasMessageContaining("f must be 1 or more");
    }

    @Test
    void idsMustBeConsecutiveFromZero() {
        List<Peer> shuffled = List.of(new Peer(0, "h", 11000), new Peer(2, "h", 11010), new Peer(1, "h", 11020),
                new Peer(3, "h", 11030));
        assertThatThrownBy(() -> ReplicationSettings.of(shuffled, 1))
                .hasMessageContaining("replica ids must be 0..3 in order; position 1 has id 2");
    }

    @Test
    void portAndPortPlusOneMustNotCollide() {
        List<Peer> clash = ReplicationSettings.parsePeers(List.of("h:11000", "h:11001", "h:11020", "h:11030"));
        assertThatThrownBy(() -> ReplicationSettings.of(clash, 1))
                .hasMessageContaining("replica 1 at h:11001 collides");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        List<Peer> bad = List.of(new Peer(0, "", 0), new Peer(1, "h", 11010), new Peer(2, "h", 11020), new Peer(3, "h", 11030));
        assertThatThrownBy(() -> new ReplicationSettings(bad, 1, Duration.ofMillis(5), 0, 1, 1))
                .hasMessageContaining("replica 0 has no host")
                .hasMessageContaining("port 0 outside")
                .hasMessageContaining("orderingTimeout")
                .hasMessageContaining("maxBatchSize")
                .hasMessageContaining("checkpointPeriod")
                .hasMessageContaining("queueSize");
    }

    @Test
    void peerAddressesAreParsedStrictly() {
        assertThat(Peer.parse(2, "broker-2.fitmon:11020")).isEqualTo(new Peer(2, "broker-2.fitmon", 11020));
        assertThatThrownBy(() -> Peer.parse(0, "nohost")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> Peer.parse(0, "h:port")).hasMessageContaining("no numeric port");
    }
}
