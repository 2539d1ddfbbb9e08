package fitmon.broker.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Channels ordered by the consensus time at which they expire, ties broken by TAG. */
final class IdleExpiry {

    private record Deadline(long atMillis, String tag) {
    }

    private final TreeSet<Deadline> deadlines = new TreeSet<>(
            Comparator.comparingLong(Deadline::atMillis).thenComparing(Deadline::tag));

    void track(Channel channel) {
        long at = channel.deadlineMillis();
        if (at >= 0) {
            deadlines.add(new Deadline(at, channel.tag()));
        }
    }

    void untrack(Channel channel) {
        long at = channel.deadlineMillis();
        if (at >= 0) {
            deadlines.remove(new Deadline(at, channel.tag()));
        }
    }

    /** Removes and returns, earliest first, the TAGs whose deadline is before {@code nowMillis}. */
    List<String> dueBefore(long nowMillis) {
        List<String> due = new ArrayList<>();
        while (!deadlines.isEmpty() && deadlines.first().atMillis() < nowMillis) {
            due.add(deadlines.pollFirst().tag());
        }
        return due;
    }

    void clear() {
        deadlines.clear();
    }
}
