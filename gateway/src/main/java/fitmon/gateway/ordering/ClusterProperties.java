package fitmon.gateway.ordering;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The replica group the gateway submits to ({@code fitmon.gateway.cluster.*}). The defaults are
 * the four-replica group of a local run.
 *
 * @param f               faults tolerated; must be the replicas' f
 * @param peers           every replica's {@code host:port} (client port) in replica id order,
 *                        exactly as the replicas are configured
 * @param replicaUrls     every replica's HTTP base URL in the same order (read API)
 * @param stompUrls       every replica's STOMP endpoint, published by {@code GET /api/v1/cluster};
 *                        when empty, derived from {@code replicaUrls} as {@code ws://…/ws}
 * @param orderingTimeout the replicas' ordering timeout
 * @param firstClientId   first of {@code proxies} consecutive client ids; unique per gateway
 * @param proxies         library proxies used in turn
 * @param requestTimeout  how long a command may wait for f+1 matching replies
 * @param name            this gateway's name in its certificate
 * @param tickInterval    how often the gateway orders a Tick so idle channels expire on a quiet system
 * @param touchInterval   at most one Touch per unordered channel this often
 * @param linkTls         reach the replicas over mutual TLS with the gateway certificate (the
 *                        replicas must have link certificates); false speaks the library's plain TCP
 */
@ConfigurationProperties("fitmon.gateway.cluster")
public record ClusterProperties(
        @DefaultValue("1") int f,
        @DefaultValue({"127.0.0.1:11000", "127.0.0.1:11010", "127.0.0.1:11020", "127.0.0.1:11030"}) List<String> peers,
        @DefaultValue({"http://127.0.0.1:8090", "http://127.0.0.1:8091", "http://127.0.0.1:8092", "http://127.0.0.1:8093"})
        List<String> replicaUrls,
        @DefaultValue({}) List<String> stompUrls,
        @DefaultValue("2s") Duration orderingTimeout,
        @DefaultValue("1000") int firstClientId,
        @DefaultValue("4") int proxies,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("gateway-1") String name,
        @DefaultValue("10s") Duration tickInterval,
        @DefaultValue("5s") Duration touchInterval,
        @DefaultValue("false") boolean linkTls) {

    public ClusterProperties {
        if (peers.size() < 3 * f + 1) {
            throw new IllegalArgumentException("fitmon.gateway.cluster.peers lists " + peers.size()
                    + " replicas; f=" + f + " needs 3f+1 = " + (3 * f + 1));
        }
        if (replicaUrls.size() != peers.size()) {
            throw new IllegalArgumentException("fitmon.gateway.cluster.replica-urls must list one URL per peer ("
                    + peers.size() + "), got " + replicaUrls.size());
        }
        if (!stompUrls.isEmpty() && stompUrls.size() != peers.size()) {
            throw new IllegalArgumentException("fitmon.gateway.cluster.stomp-urls must be empty or list one URL per peer ("
                    + peers.size() + "), got " + stompUrls.size());
        }
    }

    public int n() {
        return peers.size();
    }

    /** The STOMP endpoint of each replica, by id. */
    public List<String> effectiveStompUrls() {
        if (!stompUrls.isEmpty()) {
            return stompUrls;
        }
        return replicaUrls.stream().map(url -> url.replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws").toList();
    }
}
