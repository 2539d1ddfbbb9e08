package fitmon.broker.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.Tick;

/**
 * Builders and assertions shared by the state machine tests. Time is always explicit: {@link #at}
 * turns seconds after {@link TestKeys#T0} into consensus milliseconds.
 */
public final class StateFixture {

    private StateFixture() {
    }

    // ------------------------------------------------------------------ configuration and machines

    public static StateMachineConfig config() {
        return StateMachineConfig.defaults(TestKeys.CA.publicKey());
    }

    static StateMachineConfig config(int maxEventBytes, int maxBatchEvents, int maxChannels) {
        return new StateMachineConfig(TestKeys.CA.publicKey(), maxEventBytes, maxBatchEvents, maxChannels,
                StateMachineConfig.DEFAULT_MAX_RETAINED_EVENTS, StateMachineConfig.DEFAULT_MAX_RETAINED_BYTES);
    }

    static BrokerStateMachine machine() {
        return new BrokerStateMachine(config());
    }

    static BrokerStateMachine restored(StateMachineConfig config, byte[] snapshot) {
        BrokerStateMachine fresh = new BrokerStateMachine(config);
        fresh.restore(snapshot);
        return fresh;
    }

    /** Consensus milliseconds {@code seconds} after T0. */
    public static long at(double seconds) {
        return TestKeys.T0_MS + Math.round(seconds * 1000);
    }

    // ------------------------------------------------------------------ commands

    public static CreateChannel channel(String tag, ChannelClass channelClass) {
        return CreateChannel.withDefaults(tag, channelClass);
    }

    static CreateChannel channel(String tag, ChannelClass channelClass, long idleTimeoutSeconds) {
        return new CreateChannel(tag, channelClass, idleTimeoutSeconds, CreateChannel.DEFAULT_MAX_PROBES,
                CreateChannel.DEFAULT_MAX_SUBSCRIBERS, ChannelRetention.DEFAULT);
    }

    public static CreateChannel channel(String tag, ChannelClass channelClass, int maxProbes, int maxSubscribers,
                                 ChannelRetention retention) {
        return new CreateChannel(tag, channelClass, 0, maxProbes, maxSubscribers, retention);
    }

    public static Publish publish(String tag, byte[]... events) {
        return new Publish(tag, List.of(events));
    }

    /** Creates a channel and registers the probes with their ordinary certificates, at T0. */
    public static void channelWithProbes(BrokerStateMachine sm, CreateChannel create, SigningProbe... probes) {
        accepted(sm.applyOrdered(create, at(0)));
        for (SigningProbe probe : probes) {
            accepted(sm.applyOrdered(new RegisterProbe(create.tag(), probe.certificate()), at(0)));
        }
    }

    // ------------------------------------------------------------------ result assertions

    static CommandResult.Accepted accepted(CommandResult result) {
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        return (CommandResult.Accepted) result;
    }

    static CommandResult.Rejected rejected(CommandResult result, RejectReason reason) {
        assertThat(result).isInstanceOf(CommandResult.Rejected.class);
        CommandResult.Rejected rejected = (CommandResult.Rejected) result;
        assertThat(rejected.reason()).as("reason (detail: %s)", rejected.detail()).isEqualTo(reason);
        assertThat(rejected.detail()).isNotBlank();
        return rejected;
    }

    static List<EventOutcome> outcomes(CommandResult result) {
        assertThat(result).isInstanceOf(CommandResult.Published.class);
        return ((CommandResult.Published) result).outcomes();
    }

    static EventOutcome.Appended appended(EventOutcome outcome) {
        assertThat(outcome).isInstanceOf(EventOutcome.Appended.class);
        return (EventOutcome.Appended) outcome;
    }

    static EventOutcome.Refused refused(EventOutcome outcome, RejectReason reason) {
        assertThat(outcome).isInstanceOf(EventOutcome.Refused.class);
        EventOutcome.Refused refused = (EventOutcome.Refused) outcome;
        assertThat(refused.reason()).as("reason (detail: %s)", refused.detail()).isEqualTo(reason);
        return refused;
    }

    /** The single outcome of a one-event publish. */
    static EventOutcome only(CommandResult result) {
        List<EventOutcome> outcomes = outcomes(result);
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }

    // ------------------------------------------------------------------ "nothing changed" assertions

    /**
     * Applies {@code command} at {@code atMillis}, asserts it is refused with {@code reason}, and
     * that the agreed state is exactly what a {@link Tick} at the same time would have left: the
     * only traces of a refused command are the applied-command counter and the consensus clock,
     * both of which every ordered command advances.
     */
    static CommandResult.Rejected assertRefusedWithoutChange(BrokerStateMachine sm, StateMachineConfig config,
                                                             BrokerCommand command, long atMillis, RejectReason reason) {
        byte[] before = sm.snapshot();
        CommandResult.Rejected rejected = rejected(sm.applyOrdered(command, atMillis), reason);
        assertUnchangedBut(sm, config, before, atMillis);
        return rejected;
    }

    /** The publish is answered event by event; every event is refused with {@code reason}, nothing changes. */
    static void assertEventsRefusedWithoutChange(BrokerStateMachine sm, StateMachineConfig config, Publish publish,
                                                 long atMillis, RejectReason reason) {
        byte[] before = sm.snapshot();
        List<LoggedEvent> logBefore = sm.events(publish.tag(), 0, Integer.MAX_VALUE);
        ChannelView viewBefore = sm.channel(publish.tag()).orElseThrow();
        List<EventOutcome> outcomes = outcomes(sm.applyOrdered(publish, atMillis));
        assertThat(outcomes).hasSize(publish.events().size());
        outcomes.forEach(o -> refused(o, reason));
        assertThat(sm.events(publish.tag(), 0, Integer.MAX_VALUE)).isEqualTo(logBefore);
        ChannelView viewAfter = sm.channel(publish.tag()).orElseThrow();
        assertThat(viewAfter.lastSeq()).isEqualTo(viewBefore.lastSeq());
        assertThat(viewAfter.lastActivityMillis()).isEqualTo(viewBefore.lastActivityMillis());
        assertUnchangedBut(sm, config, before, atMillis);
    }

    /** The machine's digest equals that of its earlier snapshot after one Tick at {@code atMillis}. */
    static void assertUnchangedBut(BrokerStateMachine sm, StateMachineConfig config, byte[] before, long atMillis) {
        BrokerStateMachine twin = restored(config, before);
        twin.applyOrdered(new Tick(), atMillis);
        assertThat(sm.digest()).as("agreed state changed").isEqualTo(twin.digest());
    }
}
