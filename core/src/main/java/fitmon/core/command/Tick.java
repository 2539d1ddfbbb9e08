package fitmon.core.command;

/** Orders nothing but the passage of consensus time, so idle channels expire on a quiet system. */
public record Tick() implements BrokerCommand {
}
