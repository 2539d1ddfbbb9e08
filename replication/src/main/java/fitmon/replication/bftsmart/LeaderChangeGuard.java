package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.tom.core.Synchronizer;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.leaderchange.LCManager;
import bftsmart.tom.leaderchange.LCMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what the library keeps about leader changes, which it otherwise grows for as long as a
 * peer keeps asking for one (see docs/replication.md, "Bounded leader-change stores"):
 *
 * <ul>
 *   <li>the client requests relayed in peers' STOP messages: the library's {@link LCManager} is
 *       replaced, once, by a {@link BoundedLeaderChangeManager} that holds the same state;</li>
 *   <li>leader-change messages for regencies this replica has not reached, which the library keeps
 *       in a set without equality, so each re-sent STOP is kept again, and never drops once they
 *       are stale: here stale ones are dropped, one per sender, type and regency is kept, and at
 *       most {@value #AHEAD_PER_SENDER} regencies per sender.</li>
 * </ul>
 *
 * <p>The library has no hook for either, so both are reached by reflection into its fields (it
 * is not ours to change). Everything here runs on the library's message thread, the only thread
 * that touches these stores, via {@link CatchUpStateManager#requestHousekeeping()}.
 */
final class LeaderChangeGuard {

    static final Logger LOG = LoggerFactory.getLogger(LeaderChangeGuard.class);

    /** Relayed requests held at most: a few full batches of the largest requests the gateway sends. */
    static final long RELAY_LIMIT_BYTES = 16L * 1024 * 1024;
    static final int RELAY_LIMIT_REQUESTS = 4000;
    /** Future regencies kept per sender: a correct peer is at most a few leader changes ahead. */
    static final int AHEAD_PER_SENDER = 8;

    private volatile BoundedLeaderChangeManager manager;
    private volatile boolean failed;
    private final AtomicLong leaderChangeMessagesDropped = new AtomicLong();
    private volatile int leaderChangeMessagesHeld;

    /** Message thread. Installs the bounded manager the first time, then trims the out-of-context set. */
    void onMessageThread(TOMLayer layer) {
        if (failed || layer == null) {
            return;
        }
        try {
            if (manager == null) {
                install(layer);
            }
            trimOutOfContext(layer);
            if (manager != null) {
                manager.checkProgress();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            failed = true;
            LOG.warn("could not bound the library's leader-change stores ({}): a peer that keeps asking for a leader "
                    + "change can grow this replica's memory", e.toString());
        }
    }

    private void install(TOMLayer layer) throws ReflectiveOperationException {
        Synchronizer synchronizer = layer.getSynchronizer();
        if (synchronizer == null) {
            return; // not built yet
        }
        LCManager current = synchronizer.getLCManager();
        BoundedLeaderChangeManager bounded = new BoundedLeaderChangeManager(layer, layer.controller, null,
                RELAY_LIMIT_BYTES, RELAY_LIMIT_REQUESTS,
                new LeaderChangeBackoff(layer.controller.getStaticConf().getRequestTimeout()));
        // Same state, shared: regencies, STOPs, collects, the relayed requests held so far.
        for (Field field : LCManager.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                field.set(bounded, field.get(current));
            }
        }
        bounded.adoptHeld();
        Field slot = LibraryFields.field(Synchronizer.class, "lcManager");
        slot.set(synchronizer, bounded);
        if (synchronizer.getLCManager() != bounded) {
            throw new IllegalStateException("the library's leader-change manager could not be replaced");
        }
        manager = bounded;
        LOG.debug("leader-change relay bounded at {} bytes, {} requests", RELAY_LIMIT_BYTES, RELAY_LIMIT_REQUESTS);
    }

    @SuppressWarnings("unchecked")
    private void trimOutOfContext(TOMLayer layer) throws ReflectiveOperationException {
        Synchronizer synchronizer = layer.getSynchronizer();
        if (synchronizer == null) {
            return;
        }
        Field slot = LibraryFields.field(Synchronizer.class, "outOfContextLC");
        Set<LCMessage> held = (Set<LCMessage>) slot.get(synchronizer);
        int lastRegency = synchronizer.getLCManager().getLastReg();
        List<LCMessage> drop = chooseDrops(held, lastRegency);
        if (!drop.isEmpty()) {
            drop.forEach(held::remove);
            leaderChangeMessagesDropped.addAndGet(drop.size());
        }
        leaderChangeMessagesHeld = held.size();
    }

    /**
     * Which out-of-context leader-change messages to drop: those for a regency already installed
     * (the library only ever looks up the exact next ones), copies of one sender's message of a
     * type and regency, and all of a sender's beyond its {@value #AHEAD_PER_SENDER} lowest regencies.
     */
    static List<LCMessage> chooseDrops(Set<LCMessage> held, int lastRegency) {
        List<LCMessage> drop = new ArrayList<>();
        Map<Integer, List<LCMessage>> bySender = new HashMap<>();
        Set<List<Integer>> seen = new HashSet<>();
        for (LCMessage m : held) {
            if (m.getReg() <= lastRegency || !seen.add(List.of(m.getSender(), m.getType(), m.getReg()))) {
                drop.add(m);
            } else {
                bySender.computeIfAbsent(m.getSender(), s -> new ArrayList<>()).add(m);
            }
        }
        for (List<LCMessage> messages : bySender.values()) {
            List<Integer> regencies = messages.stream().map(LCMessage::getReg).distinct().sorted().toList();
            if (regencies.size() <= AHEAD_PER_SENDER) {
                continue;
            }
            int highestKept = regencies.get(AHEAD_PER_SENDER - 1);
            messages.stream().filter(m -> m.getReg() > highestKept)
                    .sorted(Comparator.comparingInt(LCMessage::getReg)).forEach(drop::add);
        }
        return drop;
    }

    /** Bytes of relayed requests held; 0 before the bound is installed. */
    /** The ordering timeout in force (grown by failed leader changes), in ms; 0 before the replica started. */
    long orderingTimeoutMillis() {
        BoundedLeaderChangeManager m = manager;
        return m == null ? 0 : m.orderingTimeoutMillis();
    }

    long relayedBytes() {
        BoundedLeaderChangeManager m = manager;
        return m == null ? 0 : m.heldBytes();
    }

    long relayedDropped() {
        BoundedLeaderChangeManager m = manager;
        return m == null ? 0 : m.dropped();
    }

    long relayedDuplicates() {
        BoundedLeaderChangeManager m = manager;
        return m == null ? 0 : m.duplicates();
    }

    boolean installed() {
        return manager != null;
    }

    long leaderChangeMessagesDropped() {
        return leaderChangeMessagesDropped.get();
    }

    int leaderChangeMessagesHeld() {
        return leaderChangeMessagesHeld;
    }
}
