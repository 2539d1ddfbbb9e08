package fitmon.broker.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The retained tail of a channel: the newest events within a count and a byte budget. */
final class ChannelLog {

    private final ArrayDeque<LoggedEvent> entries = new ArrayDeque<>();
    private long bytes;

    void append(LoggedEvent event, int maxEvents, long maxBytes) {
        entries.addLast(event);
        bytes += event.weight();
        while (entries.size() > maxEvents || (bytes > maxBytes && entries.size() > 1)) {
            bytes -= entries.removeFirst().weight();
        }
    }

    /** Drops the oldest entry (a shared budget makes room). */
    void dropOldest() {
        LoggedEvent oldest = entries.pollFirst();
        if (oldest != null) {
            bytes -= oldest.weight();
        }
    }

    /** Up to {@code limit} entries with channelSeq >= fromSeq, oldest first. */
    List<LoggedEvent> read(long fromSeq, int limit) {
        if (entries.isEmpty() || limit <= 0) {
            return new ArrayList<>();
        }
        List<LoggedEvent> out = new ArrayList<>(Math.min(limit, entries.size()));
        // Sequence numbers are dense inside the retained window, so skip straight to the start.
        long first = entries.peekFirst().channelSeq();
        long skip = fromSeq <= first ? 0 : fromSeq - first;  // no overflow for very negative fromSeq
        Iterator<LoggedEvent> it = entries.iterator();
        for (long i = 0; i < skip && it.hasNext(); i++) {
            it.next();
        }
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        return out;
    }

    Iterable<LoggedEvent> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }

    long bytes() {
        return bytes;
    }

    long firstSeq() {
        return entries.isEmpty() ? 0 : entries.peekFirst().channelSeq();
    }
}
