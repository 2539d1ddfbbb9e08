package fitmon.broker.replication;

import fitmon.broker.state.BrokerStateMachine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Gauges over the replica's state: channels, retained events and bytes, ordered commands applied. */
final class ChannelGauges {

    private ChannelGauges() {
    }

    static void register(MeterRegistry registry, ReplicatedBroker broker) {
        Gauge.builder("fitmon.channels", broker, b -> b.read(sm -> sm.channels().size()))
                .description("channels on this replica").register(registry);
        Gauge.builder("fitmon.channel.retained.events", broker,
                        b -> b.read(sm -> sm.channels().stream().mapToLong(c -> c.retainedEvents()).sum()))
                .description("events retained in all channel logs").register(registry);
        Gauge.builder("fitmon.channel.retained.bytes", broker,
                        b -> b.read(sm -> sm.orderedRetainedBytes() + sm.unorderedRetainedBytes()))
                .baseUnit("bytes").description("canonical envelope bytes retained in all channel logs").register(registry);
        Gauge.builder("fitmon.channel.retained.budget", broker, b -> b.read(BrokerStateMachine::maxTotalRetainedBytes))
                .baseUnit("bytes").description("envelope bytes the ordered logs may hold together, and again the unordered")
                .register(registry);
        FunctionCounter.builder("fitmon.channel.retained.dropped", broker,
                        b -> b.read(BrokerStateMachine::eventsDroppedByRetentionBudget))
                .description("events dropped from the largest logs to keep all logs within the budget").register(registry);
        Gauge.builder("fitmon.commands.applied", broker, b -> b.read(BrokerStateMachine::appliedCommands))
                .description("ordered commands applied, refused ones included").register(registry);
    }
}
