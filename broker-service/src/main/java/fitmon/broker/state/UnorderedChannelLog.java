package fitmon.broker.state;

import java.util.HashMap;
import java.util.Map;

/**
 * What one replica received on an unordered (CFT_NO_*) channel, in its own arrival order. Not
 * agreed state: outside snapshots and the digest, and lost when the replica restarts.
 */
final class UnorderedChannelLog {

    final ChannelLog log = new ChannelLog();
    final Map<String, Long> lastSeqByProbe = new HashMap<>();
    long lastLocalSeq;
}
