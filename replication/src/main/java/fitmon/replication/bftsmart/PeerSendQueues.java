package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.communication.server.ServerConnection;
import bftsmart.tom.core.TOMLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link ByteBoundedSendQueue} in place of the library's send queue on each connection to
 * a peer. The library makes a new connection object when a link is set up again, so this runs
 * on every housekeeping round and replaces only queues that are not bounded yet. Messages queued
 * at the moment of the swap are carried over; one offered in that instant to the old queue may be
 * lost, which the protocol treats like any message the library drops.
 */
final class PeerSendQueues {

    private static final Logger LOG = LoggerFactory.getLogger(PeerSendQueues.class);

    /** Bytes queued for one peer at most: many full batches, a few seconds of a busy group. */
    static final long LIMIT_BYTES = 32L * 1024 * 1024;

    private final long limitBytes;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean failed;
    private volatile int bounded;

    PeerSendQueues(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** Any thread; cheap when every queue is bounded already. */
    @SuppressWarnings("unchecked")
    void bound(TOMLayer layer) {
        if (failed || layer == null || layer.getCommunication() == null) {
            return;
        }
        try {
            Map<Integer, ServerConnection> connections = LibraryFields.peerConnections(layer.getCommunication());
            Field queueField = LibraryFields.field(ServerConnection.class, "outQueue");
            int count = 0;
            for (ServerConnection connection : new ArrayList<>(connections.values())) {
                LinkedBlockingQueue<byte[]> current = (LinkedBlockingQueue<byte[]>) queueField.get(connection);
                if (current == null) {
                    continue;
                }
                if (!(current instanceof ByteBoundedSendQueue)) {
                    ByteBoundedSendQueue replacement = new ByteBoundedSendQueue(
                            current.size() + current.remainingCapacity(), limitBytes, dropped);
                    List<byte[]> waiting = new ArrayList<>();
                    current.drainTo(waiting);
                    waiting.forEach(replacement::offer);
                    queueField.set(connection, replacement);
                    current.drainTo(waiting = new ArrayList<>());
                    waiting.forEach(replacement::offer);
                }
                count++;
            }
            bounded = count;
        } catch (ReflectiveOperationException | RuntimeException e) {
            failed = true;
            LOG.warn("could not bound the library's send queues in bytes ({}): they stay bounded by count only", e.toString());
        }
    }

    /** Messages to peers refused because a queue was full (bytes or count), since the bound was installed. */
    long dropped() {
        return dropped.get();
    }

    /** Connections whose send queue is bounded in bytes. */
    int bounded() {
        return bounded;
    }

    long limitBytes() {
        return limitBytes;
    }
}
