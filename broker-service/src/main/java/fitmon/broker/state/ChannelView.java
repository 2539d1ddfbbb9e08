package fitmon.broker.state;

import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;

/**
 * A read-only picture of a channel for the read APIs.
 *
 * @param lastSeq         highest sequence number given out (agreed for ordered classes, local
 *                        arrival count for unordered ones)
 * @param firstRetainedSeq lowest sequence number still in the log, 0 if empty
 * @param probeKeys       the registered probes' keys, in registration order
 */
public record ChannelView(String tag, ChannelClass channelClass, long idleTimeoutSeconds, int maxProbes,
                          int maxSubscribers, ChannelRetention retention, long createdAtMillis,
                          long lastActivityMillis, long lastSeq, long firstRetainedSeq, int retainedEvents,
                          long retainedBytes, List<String> probes, List<String> subscribers,
                          List<ProbeKeyView> probeKeys) {
}
