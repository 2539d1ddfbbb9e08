package fitmon.broker.replication;

import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.replication.bftsmart.DeserializationFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of what the replica executed: {@code fitmon.commands.ordered} by command type and
 * outcome, {@code fitmon.rejects} by reason, {@code fitmon.events.accepted} by path, and
 * {@code fitmon.deserialization.refused}: objects this process's deserialization filter refused.
 */
public final class BrokerMetrics {

    private final MeterRegistry registry;

    public BrokerMetrics(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("fitmon.deserialization.refused", DeserializationFilter.class,
                        filter -> DeserializationFilter.rejectedCount())
                .description("Java objects from the network refused by the deserialization filter")
                .register(registry);
    }

    void ordered(String commandType, CommandResult result) {
        registry.counter("fitmon.commands.ordered", "type", commandType, "outcome", outcome(result)).increment();
        count(result, "ordered");
    }

    void unordered(CommandResult result) {
        registry.counter("fitmon.commands.unordered", "outcome", outcome(result)).increment();
        count(result, "unordered");
    }

    private void count(CommandResult result, String path) {
        if (result instanceof CommandResult.Rejected r) {
            rejects(r.reason().name());
        } else if (result instanceof CommandResult.Published p) {
            long accepted = 0;
            for (EventOutcome outcome : p.outcomes()) {
                if (outcome instanceof EventOutcome.Refused refused) {
                    rejects(refused.reason().name());
                } else {
                    accepted++;
                }
            }
            Counter.builder("fitmon.events.accepted").tag("path", path).register(registry).increment(accepted);
        }
    }

    private void rejects(String reason) {
        registry.counter("fitmon.rejects", "reason", reason).increment();
    }

    private static String outcome(CommandResult result) {
        return result instanceof CommandResult.Rejected ? "rejected" : "accepted";
    }
}
