package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;

import bftsmart.clientsmanagement.ClientData;
import bftsmart.communication.ServerCommunicationSystem;
import bftsmart.communication.server.ServerConnection;
import bftsmart.tom.core.TOMLayer;

/**
 * How much a replica's library holds in memory, read for metrics so an operator sees a replica
 * fill up before it runs out: client requests waiting to be ordered, messages queued for each peer
 * and received messages waiting for the message thread. The library has no accessors for most of
 * these, so they are read by reflection; a reading that fails is reported as -1. Safe from any
 * thread: the library's queues are concurrent, the pending lists are read under its lock.
 */
final class LibraryQueues {

    private final TOMLayer layer;

    LibraryQueues(TOMLayer layer) {
        this.layer = layer;
    }

    /** Client requests received and not yet ordered, over all clients. */
    int pendingRequests() {
        var clients = layer.clientsManager;
        if (clients == null) {
            return 0;
        }
        clients.getClientsLock().lock();
        try {
            int pending = 0;
            for (ClientData client : LibraryFields.clients(clients).values()) {
                pending += client.getPendingRequests().size();
            }
            return pending;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        } finally {
            clients.getClientsLock().unlock();
        }
    }

    /** Bytes waiting in the send queue to each peer, by peer id. */
    Map<Integer, Long> queuedBytesByPeer() {
        Map<Integer, Long> out = new TreeMap<>();
        try {
            Field outQueue = LibraryFields.field(ServerConnection.class, "outQueue");
            for (Map.Entry<Integer, ServerConnection> entry
                    : Map.copyOf(LibraryFields.peerConnections(layer.getCommunication())).entrySet()) {
                BlockingQueue<?> queue = (BlockingQueue<?>) outQueue.get(entry.getValue());
                long bytes = 0;
                for (Object frame : queue) {
                    bytes += ((byte[]) frame).length;
                }
                out.put(entry.getKey(), bytes);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** Messages from peers received and waiting for the message thread. */
    int inboundQueued() {
        try {
            BlockingQueue<?> queue = (BlockingQueue<?>) LibraryFields.field(ServerCommunicationSystem.class, "inQueue").get(layer.getCommunication());
            return queue.size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
