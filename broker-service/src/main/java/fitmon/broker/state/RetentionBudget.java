package fitmon.broker.state;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A bound on the bytes that many channel logs hold together. Each channel's own retention (count
 * and bytes) may allow far more than a replica's heap once there are many channels (10,000 channels
 * of 1 GiB each), and every correct replica holds the same ordered logs, so without this bound they
 * would all run out of memory at the same command. When an append takes the total past the
 * budget, the log holding the most bytes (ties: the smallest TAG) drops its oldest events until
 * the total fits again; a subscriber behind the dropped ones gets the usual retention gap.
 *
 * <p>Deterministic for ordered logs: the choice depends only on the logs' contents, which are
 * agreed state. Unordered logs have a budget of their own, since each replica's differ.
 */
final class RetentionBudget {

    private final long maxBytes;
    private final Map<String, Tracked> byTag = new HashMap<>();
    private final TreeSet<Tracked> bySize = new TreeSet<>(
            Comparator.comparingLong((Tracked t) -> t.bytes).reversed().thenComparing(t -> t.tag));
    private long totalBytes;
    private long droppedEvents;

    RetentionBudget(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a retention budget must be positive, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** After {@code log} of {@code tag} changed: re-counts it and drops the oldest events the budget does not fit. */
    void changed(String tag, ChannelLog log) {
        track(tag, log);
        while (totalBytes > maxBytes) {
            Tracked largest = bySize.first();
            bySize.remove(largest);
            totalBytes -= largest.bytes;
            largest.log.dropOldest();
            droppedEvents++;
            largest.bytes = largest.log.bytes();
            totalBytes += largest.bytes;
            bySize.add(largest);
        }
        assert totalBytes >= 0 : "retained bytes went negative: " + totalBytes;
    }

    /** The log of {@code tag} is gone (channel deleted or expired, or the state restored). */
    void removed(String tag) {
        Tracked tracked = byTag.remove(tag);
        if (tracked != null) {
            bySize.remove(tracked);
            totalBytes -= tracked.bytes;
        }
    }

    void clear() {
        byTag.clear();
        bySize.clear();
        totalBytes = 0;
    }

    long totalBytes() {
        return totalBytes;
    }

    /** Events dropped to keep within the budget since this replica started (local, not agreed). */
    long droppedEvents() {
        return droppedEvents;
    }

    private void track(String tag, ChannelLog log) {
        Tracked tracked = byTag.get(tag);
        if (tracked != null && tracked.log != log) {
            removed(tag);
            tracked = null;
        }
        if (tracked == null) {
            tracked = new Tracked(tag, log);
            byTag.put(tag, tracked);
        } else {
            bySize.remove(tracked);
            totalBytes -= tracked.bytes;
        }
        tracked.bytes = log.bytes();
        totalBytes += tracked.bytes;
        bySize.add(tracked);
    }

    private static final class Tracked {
        final String tag;
        final ChannelLog log;
        long bytes;

        Tracked(String tag, ChannelLog log) {
            this.tag = tag;
            this.log = log;
        }
    }
}
