package fitmon.core.command;

/**
 * How much of a channel's log a replica keeps: the newest events within both limits.
 *
 * @param maxEvents most events kept
 * @param maxBytes  most canonical envelope bytes kept
 */
public record ChannelRetention(int maxEvents, long maxBytes) {

    public static final ChannelRetention DEFAULT = new ChannelRetention(10_000, 16L * 1024 * 1024);
}
