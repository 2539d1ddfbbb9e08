package fitmon.broker.state;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one replica received on an unordered (CFT_NO_*) channel, in its own arrival order. Not
 * agreed state: outside snapshots and the digest, and lost when the replica restarts.
 *
 * <p>Requests of one probe may reach a replica slightly out of order (they travel on several
 * client connections), so SEQs are checked against a replay window instead of "greater than the
 * last": any SEQ not seen before and not older than the window is accepted, so nothing genuine is
 * lost, and replays and duplicates are still refused.
 */
final class UnorderedChannelLog {

    static final int REPLAY_WINDOW = 4096;

    /** Creation time of the channel this log belongs to, telling a re-created TAG from the old one. */
    final long channelCreatedAtMillis;
    final ChannelLog log = new ChannelLog();
    private final Map<String, ProbeWindow> windows = new HashMap<>();
    long lastLocalSeq;

    UnorderedChannelLog(long channelCreatedAtMillis) {
        this.channelCreatedAtMillis = channelCreatedAtMillis;
    }

    /** Null if accepted (and recorded), else why not. */
    String admitSeq(String probeId, long seq) {
        ProbeWindow window = windows.computeIfAbsent(probeId, p -> new ProbeWindow());
        if (seq <= window.highest - REPLAY_WINDOW) {
            return "seq " + seq + " of probe " + probeId + " is older than the replay window (highest seen "
                    + window.highest + ", window " + REPLAY_WINDOW + ")";
        }
        if (!window.seen.add(seq)) {
            return "seq " + seq + " of probe " + probeId + " was already accepted";
        }
        window.highest = Math.max(window.highest, seq);
        while (!window.seen.isEmpty() && window.seen.first() <= window.highest - REPLAY_WINDOW) {
            window.seen.pollFirst();
        }
        return null;
    }

    private static final class ProbeWindow {
        long highest;
        final TreeSet<Long> seen = new TreeSet<>();
    }
}
