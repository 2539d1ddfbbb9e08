package fitmon.core.command;

/**
 * Records activity on a channel whose events bypass ordering (CFT_NO_*), so that its idle timeout,
 * which only ordered state can decide, sees the traffic. Submitters send it at most every few
 * seconds per channel.
 */
public record Touch(String tag) implements BrokerCommand {
}
