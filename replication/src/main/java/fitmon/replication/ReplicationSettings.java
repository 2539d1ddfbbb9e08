package fitmon.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The group's replication settings, validated here because the library silently falls back to
 * defaults on missing or inconsistent values.
 *
 * @param peers              every replica, ids 0..n-1 in order
 * @param f                  faults tolerated; n must be at least 3f+1
 * @param orderingTimeout    request timeout before replicas suspect the leader; a dead leader
 *                           stalls ordering for one to two times this
 * @param maxBatchSize       most requests ordered in one consensus instance
 * @param checkpointPeriod   consensus instances between snapshots kept for state transfer
 * @param queueSize          in/out queue capacity of replica communication
 */
public record ReplicationSettings(List<Peer> peers, int f, Duration orderingTimeout, int maxBatchSize,
                                  int checkpointPeriod, int queueSize) {

    public static final Duration DEFAULT_ORDERING_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_BATCH_SIZE = 400;
    public static final int DEFAULT_CHECKPOINT_PERIOD = 1024;
    public static final int DEFAULT_QUEUE_SIZE = 1000;

    public ReplicationSettings {
        peers = List.copyOf(peers);
        List<String> problems = new ArrayList<>();
        if (f < 1) {
            problems.add("f must be 1 or more (BFT mode needs at least 4 replicas to replace a leader), got " + f);
        } else if (peers.size() < 3 * f + 1) {
            problems.add("f=" + f + " needs at least " + (3 * f + 1) + " replicas, got " + peers.size());
        } else if ((peers.size() - 1) / 3 != f) {
            // The library derives f from n and would silently use another value.
            problems.add(peers.size() + " replicas tolerate f=" + ((peers.size() - 1) / 3) + ", not f=" + f);
        }
        Set<String> endpoints = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            Peer p = peers.get(i);
            if (p.id() != i) {
                problems.add("replica ids must be 0.." + (peers.size() - 1) + " in order; position " + i + " has id " + p.id());
            }
            if (p.host() == null || p.host().isBlank()) {
                problems.add("replica " + p.id() + " has no host");
            }
            if (p.port() < 1 || p.port() > 65534) {
                problems.add("replica " + p.id() + " port " + p.port() + " outside 1..65534 (port+1 is used too)");
            }
            if (!endpoints.add(p.host() + ":" + p.port()) | !endpoints.add(p.host() + ":" + (p.port() + 1))) {
                problems.add("replica " + p.id() + " at " + p.host() + ":" + p.port()
                        + " collides with another replica's port or port+1");
            }
        }
        if (orderingTimeout == null || orderingTimeout.toMillis() < 100 || orderingTimeout.toMillis() > 600_000) {
            problems.add("orderingTimeout must be between 100 ms and 10 min, got " + orderingTimeout);
        }
        if (maxBatchSize < 1) {
            problems.add("maxBatchSize must be 1 or more, got " + maxBatchSize);
        }
        if (checkpointPeriod < 2) {
            problems.add("checkpointPeriod must be 2 or more, got " + checkpointPeriod);
        }
        if (queueSize < 10) {
            problems.add("queueSize must be 10 or more, got " + queueSize);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid replication settings: " + String.join("; ", problems));
        }
    }

    /** Settings with the defaults for everything but the group. */
    public static ReplicationSettings of(List<Peer> peers, int f) {
        return new ReplicationSettings(peers, f, DEFAULT_ORDERING_TIMEOUT, DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_CHECKPOINT_PERIOD, DEFAULT_QUEUE_SIZE);
    }

    public ReplicationSettings withOrderingTimeout(Duration timeout) {
        return new ReplicationSettings(peers, f, timeout, maxBatchSize, checkpointPeriod, queueSize);
    }

    /** Parses {@code host:port} addresses, ids by position. */
    public static List<Peer> parsePeers(List<String> addresses) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            peers.add(Peer.parse(i, addresses.get(i)));
        }
        return peers;
    }

    public int n() {
        return peers.size();
    }

    /** Matching replies a client needs: f+1, so at least one comes from a correct replica. */
    public int replyQuorum() {
        return f + 1;
    }
}
