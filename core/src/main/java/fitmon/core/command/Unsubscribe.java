package fitmon.core.command;

public record Unsubscribe(String tag, String subscriberId) implements BrokerCommand {
}
