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
 * one dead replica would stall every request by a second: a replica that missed the replies of
 * several consecutive completed requests is left out, and taken back once a TCP connection to its
 * port succeeds again. At least 2f+1 replicas are always targeted.
 */
final class ReplicaHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaHealth.class);
    static final int MISSES_BEFORE_EXCLUSION = 3;

    private final ReplicationSettings settings;
    private final int[] misses;
    private final boolean[] excluded;

    ReplicaHealth(ReplicationSettings settings) {
        this.settings = settings;
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
            } else if (!excluded[id] && ++misses[id] >= MISSES_BEFORE_EXCLUSION && excludedCount() < settings.f()) {
                excluded[id] = true;
                LOG.warn("replica {} missed {} replies in a row: sending to the others until it answers again",
                        id, misses[id]);
            }
        }
    }

    synchronized void markAnswered(int id) {
        misses[id] = 0;
    }

    /** Re-includes excluded replicas that accept TCP connections again. */
    void probeExcluded() {
        for (Peer peer : settings.peers()) {
            if (isExcluded(peer.id()) && reachable(peer)) {
                synchronized (this) {
                    excluded[peer.id()] = false;
                    misses[peer.id()] = 0;
                }
                LOG.info("replica {} accepts connections again: sending to it again", peer.id());
            }
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
