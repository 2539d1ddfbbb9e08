package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import bftsmart.clientsmanagement.ClientData;
import bftsmart.clientsmanagement.ClientsManager;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.leaderchange.RequestsTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops client requests a replica still holds as pending although the group ordered them.
 *
 * <p>A replica removes a request from its pending list when it executes the request itself. One
 * that fetched the group's state instead (it was paused, or left behind in a leader change) never
 * executes the requests the transferred state already contains, so they stay pending, and their
 * timers fire every ordering timeout: the replica asks for a leader change, relays them in its
 * STOP, and a new leader that proposes them has its proposal refused by the others, who have
 * executed them. Measured in a soak: four replicas changed leader about once a second for a minute
 * over two such requests, and clients timed out.
 *
 * <p>The library orders each client's requests in sequence order (it takes each client's pending
 * requests in order when it builds a batch, and its own {@code ClientData.removeRequest} relies on
 * it), so a pending request whose sequence is at or below the last one executed for its client in
 * the same session was ordered already. Those are removed from the pending list and from the
 * request timer, each round, and counted.
 */
final class StalePendingRequests {

    private static final Logger LOG = LoggerFactory.getLogger(StalePendingRequests.class);

    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean failed;

    void sweep(TOMLayer layer) {
        if (layer != null) {
            sweep(layer.clientsManager, layer.requestsTimer);
        }
    }

    /** Any thread: takes the library's locks as it does (a client's lock, then the timer's). */
    void sweep(ClientsManager clients, RequestsTimer timer) {
        if (failed || clients == null) {
            return;
        }
        try {
            Field lockField = LibraryFields.field(ClientData.class, "clientLock");
            List<ClientData> all;
            clients.getClientsLock().lock();
            try {
                all = new ArrayList<>(LibraryFields.clients(clients).values());
            } finally {
                clients.getClientsLock().unlock();
            }
            for (ClientData client : all) {
                ReentrantLock lock = (ReentrantLock) lockField.get(client);
                List<TOMMessage> stale = new ArrayList<>();
                lock.lock();
                try {
                    int executed = client.getLastMessageExecuted();
                    for (TOMMessage request : client.getPendingRequests()) {
                        if (request.getSequence() <= executed && request.getSession() == client.getSession()) {
                            stale.add(request);
                        }
                    }
                    client.getPendingRequests().removeAll(stale);
                    if (timer != null) {
                        stale.forEach(timer::unwatch);
                    }
                } finally {
                    lock.unlock();
                }
                if (!stale.isEmpty()) {
                    dropped.addAndGet(stale.size());
                    LOG.info("dropped {} pending request(s) of client {} that the group had ordered (sequence up to {}, "
                            + "last executed {})", stale.size(), client.getClientId(),
                            stale.get(stale.size() - 1).getSequence(), client.getLastMessageExecuted());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            failed = true;
            LOG.warn("could not look for pending requests the group had ordered ({}): a replica that fetched the "
                    + "group's state may keep asking for leader changes over them", e.toString());
        }
    }

    /** Pending requests dropped because the group had ordered them. */
    long dropped() {
        return dropped.get();
    }
}
