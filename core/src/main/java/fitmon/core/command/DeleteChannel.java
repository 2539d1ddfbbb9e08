package fitmon.core.command;

public record DeleteChannel(String tag) implements BrokerCommand {
}
