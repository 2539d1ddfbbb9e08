package fitmon.client.console;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import fitmon.core.channel.ChannelClass;
import fitmon.core.crypto.VerificationKey;

/**
 * One subscribed channel on the console side: the probes' keys, what was delivered, and the
 * released events waiting for their turn. Not thread-safe; the client serialises access.
 */
final class ChannelFeed {

    static final int MAX_REMEMBERED_UNORDERED = 100_000;

    final String tag;
    final ChannelClass channelClass;
    final Map<String, VerificationKey> probeKeys = new HashMap<>();
    final Map<String, Instant> keyRefreshes = new HashMap<>();
    /** Ordered classes: the next channel sequence to deliver. */
    long nextSeq;
    /** Per replica: the last channel sequence it sent (its own numbering for unordered classes). */
    final long[] lastFromReplica;
    /** Per replica: the first retained sequence it reported in a retention gap, 0 if none. */
    final long[] gapFrom;
    private final TreeMap<Long, VotedEvent> waiting = new TreeMap<>();
    private final Map<String, Boolean> deliveredUnordered = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_UNORDERED;
        }
    };

    ChannelFeed(String tag, ChannelClass channelClass, long nextSeq, int n) {
        this.tag = tag;
        this.channelClass = channelClass;
        this.nextSeq = nextSeq;
        this.lastFromReplica = new long[n];
        this.gapFrom = new long[n];
    }

    /** Delivers a released event, and any that waited for it, in channel order and exactly once. */
    void released(VotedEvent event, Consumer<VotedEvent> deliver) {
        if (!channelClass.ordered()) {
            String key = event.event().probeId() + "\u0000" + event.event().seq();
            if (deliveredUnordered.putIfAbsent(key, Boolean.TRUE) == null) {
                deliver.accept(event);
            }
            return;
        }
        if (event.channelSeq() < nextSeq) {
            return;
        }
        waiting.putIfAbsent(event.channelSeq(), event);
        flush(deliver);
    }

    /**
     * A replica said events before {@code firstRetained} are gone; once {@code threshold} replicas
     * said so, the console stops waiting for them.
     */
    void gap(int replica, long firstRetained, int threshold, Consumer<VotedEvent> deliver) {
        gapFrom[replica] = firstRetained;
        long[] reported = Arrays.stream(gapFrom).filter(seq -> seq > nextSeq).sorted().toArray();
        if (reported.length >= threshold) {
            // the lowest point that threshold replicas agree is past the gap
            nextSeq = reported[reported.length - threshold];
            waiting.headMap(nextSeq).clear();
            flush(deliver);
        }
    }

    private void flush(Consumer<VotedEvent> deliver) {
        VotedEvent next;
        while ((next = waiting.remove(nextSeq)) != null) {
            nextSeq++;
            deliver.accept(next);
        }
    }

    /** Where a replica should start when (re)subscribing; null: from its next event. */
    Long resumePoint(int replica) {
        if (channelClass.ordered()) {
            return nextSeq;
        }
        return lastFromReplica[replica] > 0 ? lastFromReplica[replica] + 1 : null;
    }
}
