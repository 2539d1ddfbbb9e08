package fitmon.broker.cluster;

import java.time.Duration;

import fitmon.replication.OrderingClient;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.BftSmartOrderingClient;

/** The BFT-SMaRt ordering client a test uses to submit commands to a {@link BrokerCluster}. */
final class ClusterClient {

    private ClusterClient() {
    }

    static OrderingClient connect(BrokerCluster cluster) {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(cluster.peerAddresses()), cluster.f())
                .withOrderingTimeout(Duration.ofSeconds(1));
        return new BftSmartOrderingClient(settings, 2000, 4, Duration.ofSeconds(60));
    }
}
