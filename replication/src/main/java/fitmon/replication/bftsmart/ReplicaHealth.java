package fitmon.replication.bftsmart;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import fitmon.replication.Peer;
import fitmon.replication.ReplicationSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replicas a client sends to. The library's send waits for the write to every target, so
 * one dead replica would stall every request by a second. A replica is left out when its port
 * refuses connections (checked every couple of seconds) or when it missed the replies of many
 * consecutive requests (a replica that is merely slow answers late, not never); it is taken back
 * once a TCP connection to its port succeeds again. At most f replicas are ever left out.
 *
 * <p>Leaving out a live replica is cheap only if it is a follower. What the library does with a
 * request that skipped some replicas (read in its sources): every replica that received an
 * ordered request watches it, forwards it to the leader when the ordering timeout expires, and
 * asks for a leader change if it is still pending at the next expiry; the others learn it from
 * the leader's proposal and still execute it and reply. A request that skipped a live leader is
 * therefore ordered one ordering timeout late, and a replica that sees a client's sequence
 * numbers jump drops the request as "too far ahead" until it learns the missing ones through
 * consensus. Unordered requests are executed by exactly the replicas they were sent to. Hence
 * exclusion only for replicas that refuse connections or stop answering altogether.
 */
final class ReplicaHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaHealth.class);
    static final int MISSES_BEFORE_EXCLUSION = 10;

    private final ReplicationSettings settings;
    private final int[] misses;
    private final boolean[] excluded;

    private final boolean enabled;

    ReplicaHealth(ReplicationSettings settings, boolean enabled) {
        this.settings = settings;
        this.enabled = enabled;
        this.misses = new int[settings.n()];
        this.excluded = new boolean[settings.n()];
    }

    synchronized int[] targets() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < excluded.length; i++) {
            if (!excluded[i]) {
                ids.add(i);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** After a request completed: who among its targets answered it. */
    synchronized void record(int[] targets, boolean[] answered) {
        for (int id : targets) {
            if (answered[id]) {
                misses[id] = 0;
            } else if (++misses[id] >= MISSES_BEFORE_EXCLUSION) {
                exclude(id, "missed " + misses[id] + " replies in a row");
            }
        }
    }

    synchronized void markAnswered(int id) {
        misses[id] = 0;
    }

    /** Leaves out replicas whose port refuses connections; takes back those that accept again. */
    void probe() {
        for (Peer peer : settings.peers()) {
            boolean reachable = reachable(peer);
            synchronized (this) {
                if (excluded[peer.id()] && reachable) {
                    excluded[peer.id()] = false;
                    misses[peer.id()] = 0;
                    LOG.info("replica {} accepts connections again: sending to it again", peer.id());
                } else if (!excluded[peer.id()] && !reachable) {
                    exclude(peer.id(), "refuses connections");
                }
            }
        }
    }

    private void exclude(int id, String why) {
        if (enabled && !excluded[id] && excludedCount() < settings.f()) {
            excluded[id] = true;
            LOG.warn("replica {} {}: sending to the others until it accepts connections again", id, why);
        }
    }

    synchronized boolean isExcluded(int id) {
        return excluded[id];
    }

    private int excludedCount() {
        int count = 0;
        for (boolean e : excluded) {
            if (e) {
                count++;
            }
        }
        return count;
    }

    private static boolean reachable(Peer peer) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
