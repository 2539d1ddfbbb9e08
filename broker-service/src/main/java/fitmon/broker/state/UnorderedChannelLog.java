package fitmon.broker.state;

import java.util.HashMap;
import java.util.Map;

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

    /** Creation time of the channel this log belongs to, telling a re-created TAG from the old one. */
    final long channelCreatedAtMillis;
    final ChannelLog log = new ChannelLog();
    private final Map<String, ReplayWindow> windows = new HashMap<>();
    long lastLocalSeq;

    UnorderedChannelLog(long channelCreatedAtMillis) {
        this.channelCreatedAtMillis = channelCreatedAtMillis;
    }

    /** Null if accepted (and recorded), else why not. */
    String admitSeq(String probeId, long seq) {
        return windows.computeIfAbsent(probeId, p -> new ReplayWindow()).admit(seq, "seq of probe " + probeId);
    }
}
