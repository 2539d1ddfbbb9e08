package fitmon.core.command;

import fitmon.core.channel.ChannelClass;

/**
 * Create_a_Channel(CLASS, TAG) with its limits.
 *
 * @param idleTimeoutSeconds a channel without events for this long (consensus time) is removed;
 *                           0 keeps it forever
 */
public record CreateChannel(String tag, ChannelClass channelClass, long idleTimeoutSeconds,
                            int maxProbes, int maxSubscribers, ChannelRetention retention) implements BrokerCommand {

    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 0;
    public static final int DEFAULT_MAX_PROBES = 100;
    public static final int DEFAULT_MAX_SUBSCRIBERS = 100;

    /** A channel with the default limits. */
    public static CreateChannel withDefaults(String tag, ChannelClass channelClass) {
        return new CreateChannel(tag, channelClass, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_PROBES,
                DEFAULT_MAX_SUBSCRIBERS, ChannelRetention.DEFAULT);
    }
}
