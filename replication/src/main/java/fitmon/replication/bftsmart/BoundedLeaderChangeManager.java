package fitmon.replication.bftsmart;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.reconfiguration.ServerViewController;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.leaderchange.LCManager;

/**
 * The library's leader-change bookkeeping with a bound on the client requests it keeps from
 * peers' STOP messages.
 *
 * <p>The library appends the requests carried by every STOP it accepts to one list and clears it
 * only when a leader change completes. A replica left alone in a leader change re-sends its STOP,
 * with the same requests, every ordering timeout for as long as it stays there; each of its peers
 * appended them again every time until it ran out of memory (7,529 retained {@code TOMMessage}s,
 * 236 MB, after 30 minutes). A faulty replica could do the same on purpose with fresh requests.
 *
 * <p>Here a request already held is not added twice, and past {@link #limitBytes} (or
 * {@link #limitRequests}) further requests are dropped and counted. Nothing is lost by dropping:
 * clients send every request to every replica themselves; a relayed copy only lets the next
 * leader propose it sooner. A STOP without requests, which the library would fail on (and with
 * it the thread that reads every peer message), adds nothing.
 *
 * <p>Called only on the library's message thread, like the class it extends; the gauges are read
 * from any thread.
 */
final class BoundedLeaderChangeManager extends LCManager {

    /** The library's per-request overhead besides the content, roughly: ids, session, MACs. */
    private static final int REQUEST_OVERHEAD = 64;

    private final long limitBytes;
    private final int limitRequests;
    private final Set<RequestKey> held = new HashSet<>();
    private volatile long heldBytes;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final TOMLayer layer;
    private final LeaderChangeBackoff backoff;

    private record RequestKey(int sender, int session, int sequence, int operationId) {
        static RequestKey of(TOMMessage m) {
            return new RequestKey(m.getSender(), m.getSession(), m.getSequence(), m.getOperationId());
        }
    }

    BoundedLeaderChangeManager(TOMLayer layer, ServerViewController controller, MessageDigest digest,
                               long limitBytes, int limitRequests, LeaderChangeBackoff backoff) {
        super(layer, controller, digest);
        this.layer = layer;
        this.backoff = backoff;
        if (limitBytes < 1 || limitRequests < 1) {
            throw new IllegalArgumentException("relay limits must be positive, got " + limitBytes + " bytes, "
                    + limitRequests + " requests");
        }
        this.limitBytes = limitBytes;
        this.limitRequests = limitRequests;
    }

    @Override
    public void addRequestsFromSTOP(TOMMessage[] requests) {
        if (requests == null || requests.length == 0) {
            return;
        }
        resynchronizeIfCleared();
        List<TOMMessage> accepted = new ArrayList<>(requests.length);
        long bytes = heldBytes;
        for (TOMMessage request : requests) {
            if (request == null) {
                continue;
            }
            RequestKey key = RequestKey.of(request);
            if (held.contains(key)) {
                duplicates.incrementAndGet();
                continue;
            }
            long size = sizeOf(request);
            if (held.size() >= limitRequests || bytes + size > limitBytes) {
                dropped.incrementAndGet();
                continue;
            }
            held.add(key);
            bytes += size;
            accepted.add(request);
        }
        heldBytes = bytes;
        if (!accepted.isEmpty()) {
            super.addRequestsFromSTOP(accepted.toArray(new TOMMessage[0]));
        }
        // Invariant: every request the library holds is counted here, once.
        assert getRequestsFromSTOP() == null || getRequestsFromSTOP().size() >= held.size();
    }

    /**
     * The library calls this when it installs a regency, just before it restarts its request timer
     * (and when a state transfer moves the replica to the group's regency): the timer then runs with
     * the timeout {@link LeaderChangeBackoff} gives for that regency.
     */
    @Override
    public void setLastReg(int lastReg) {
        boolean advanced = lastReg > getLastReg();
        super.setLastReg(lastReg);
        if (advanced && backoff != null && layer != null && layer.requestsTimer != null) {
            long before = backoff.currentMillis();
            long timeout = backoff.regencyInstalled(layer.getLastExec());
            layer.requestsTimer.setTimeout(timeout);
            if (timeout > before) {
                LeaderChangeGuard.LOG.warn("regency {} installed and nothing ordered since the previous leader change: "
                        + "this replica now waits {} ms (ordering timeout {} ms) before asking for the next one, "
                        + "until the group orders again", lastReg, timeout, backoff.baseMillis());
            }
        }
    }

    /** Message thread, now and then: puts the ordering timeout back once the group orders again. */
    void checkProgress() {
        if (backoff == null || layer == null || layer.requestsTimer == null) {
            return;
        }
        long reset = backoff.executed(layer.getLastExec());
        if (reset > 0) {
            layer.requestsTimer.setTimeout(reset);
            LeaderChangeGuard.LOG.info("the group orders again: ordering timeout back to {} ms", reset);
        }
    }

    /** The request timeout in force, in milliseconds; 0 without a backoff. */
    long orderingTimeoutMillis() {
        return backoff == null ? 0 : backoff.currentMillis();
    }

    @Override
    public void clearRequestsFromSTOP() {
        super.clearRequestsFromSTOP();
        held.clear();
        heldBytes = 0;
    }

    /**
     * Counts what the library already held when this manager took over its state (installed
     * while the replica runs); requests past the limits stay, the limits apply to what comes next.
     */
    void adoptHeld() {
        held.clear();
        long bytes = 0;
        List<TOMMessage> current = getRequestsFromSTOP();
        if (current != null) {
            for (TOMMessage request : current) {
                held.add(RequestKey.of(request));
                bytes += sizeOf(request);
            }
        }
        heldBytes = bytes;
    }

    /** The library may drop its list without calling {@link #clearRequestsFromSTOP} in a later version. */
    private void resynchronizeIfCleared() {
        List<TOMMessage> current = getRequestsFromSTOP();
        if ((current == null || current.isEmpty()) && !held.isEmpty()) {
            held.clear();
            heldBytes = 0;
        }
    }

    private static long sizeOf(TOMMessage request) {
        byte[] content = request.getContent();
        return REQUEST_OVERHEAD + (content == null ? 0 : content.length);
    }

    /** Bytes of relayed requests held now. */
    long heldBytes() {
        return heldBytes;
    }

    long limitBytes() {
        return limitBytes;
    }

    /** Relayed requests refused because the limit was reached. */
    long dropped() {
        return dropped.get();
    }

    /** Relayed requests already held (the same STOP re-sent, or the same request from another peer). */
    long duplicates() {
        return duplicates.get();
    }
}
