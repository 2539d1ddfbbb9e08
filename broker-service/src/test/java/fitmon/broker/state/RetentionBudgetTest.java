package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.channelWithProbes;
import static fitmon.broker.state.StateFixture.outcomes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import org.junit.jupiter.api.Test;

/** The bound on what all channel logs hold together, beyond each channel's own retention. */
class RetentionBudgetTest {

    /** Each channel alone may keep 1 MiB; together they get 40 KB (about 100 envelopes). */
    private static final long BUDGET = 40_000;
    private static final ChannelRetention GENEROUS = new ChannelRetention(100_000, 1 << 20);

    private final StateMachineConfig config = StateFixture.config(4096, 100, 10).withMaxTotalRetainedBytes(BUDGET);
    private final SigningProbe probe = SigningProbe.ed25519("web-01");

    private BrokerStateMachine machineWith(String... tags) {
        BrokerStateMachine sm = new BrokerStateMachine(config);
        for (String tag : tags) {
            channelWithProbes(sm, channel(tag, ChannelClass.BFT, 10, 10, GENEROUS), probe);
        }
        return sm;
    }

    private static Publish events(SigningProbe probe, String tag, long firstSeq, int count) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(probe.signedBytes(tag, firstSeq + i));
        }
        return new Publish(tag, events);
    }

    private static long retained(BrokerStateMachine sm, String tag) {
        return sm.channel(tag).orElseThrow().retainedBytes();
    }

    @Test
    void theLogsTogetherNeverHoldMoreThanTheBudgetAndEveryEventIsStillAppended() {
        BrokerStateMachine sm = machineWith("a", "b", "c");
        long seq = 1;
        for (int round = 0; round < 20; round++) {
            for (String tag : List.of("a", "b", "c")) {
                List<EventOutcome> results = outcomes(sm.applyOrdered(events(probe, tag, seq, 10), at(1 + round)));
                assertThat(results).allMatch(o -> o instanceof EventOutcome.Appended);
                long total = retained(sm, "a") + retained(sm, "b") + retained(sm, "c");
                assertThat(total).as("round %d, after %s", round, tag).isLessThanOrEqualTo(BUDGET);
                assertThat(sm.orderedRetainedBytes()).isEqualTo(total);
            }
            seq += 10;
        }
        assertThat(sm.eventsDroppedByRetentionBudget()).isPositive();
        // each log keeps its newest events, with dense sequence numbers up to the last one
        for (String tag : List.of("a", "b", "c")) {
            ChannelView view = sm.channel(tag).orElseThrow();
            assertThat(view.lastSeq()).isEqualTo(200);
            assertThat(view.firstRetainedSeq() + view.retainedEvents() - 1).isEqualTo(200);
            assertThat(view.retainedEvents()).isLessThan(200);
        }
    }

    @Test
    void theLargestLogGivesWayFirstSoAQuietChannelKeepsItsEvents() {
        BrokerStateMachine sm = machineWith("busy", "quiet");
        assertThat(outcomes(sm.applyOrdered(events(probe, "quiet", 1, 5), at(1))))
                .allMatch(o -> o instanceof EventOutcome.Appended);
        long quietBytes = retained(sm, "quiet");
        for (int i = 0; i < 30; i++) {
            sm.applyOrdered(events(probe, "busy", 1 + i * 10L, 10), at(2 + i));
        }
        assertThat(retained(sm, "quiet")).as("the small log was never the largest").isEqualTo(quietBytes);
        assertThat(retained(sm, "busy")).isLessThanOrEqualTo(BUDGET - quietBytes);
        assertThat(sm.channel("quiet").orElseThrow().retainedEvents()).isEqualTo(5);
    }

    @Test
    void replicasFedTheSameCommandsDropTheSameEventsAndARestoredOneGoesOnAlike() {
        BrokerStateMachine first = machineWith("a", "b");
        // same registrations (a certificate has a random serial): start the second from the first's state
        BrokerStateMachine second = StateFixture.restored(config, first.snapshot());
        for (int i = 0; i < 30; i++) {
            for (BrokerStateMachine sm : List.of(first, second)) {
                sm.applyOrdered(events(probe, i % 3 == 0 ? "b" : "a", 1 + i * 10L, 10), at(1 + i));
            }
        }
        assertThat(first.eventsDroppedByRetentionBudget()).isPositive();
        assertThat(first.digest()).isEqualTo(second.digest());

        BrokerStateMachine restored = StateFixture.restored(config, first.snapshot());
        assertThat(restored.orderedRetainedBytes()).isEqualTo(first.orderedRetainedBytes());
        for (BrokerStateMachine sm : List.of(first, restored)) {
            sm.applyOrdered(events(probe, "b", 1000, 10), at(100));
        }
        assertThat(restored.digest()).isEqualTo(first.digest());
    }

    @Test
    void aDeletedChannelGivesItsShareBack() {
        BrokerStateMachine sm = machineWith("a", "b");
        sm.applyOrdered(events(probe, "a", 1, 60), at(1));
        sm.applyOrdered(events(probe, "b", 1, 60), at(2));
        long before = sm.orderedRetainedBytes();
        accepted(sm.applyOrdered(new DeleteChannel("a"), at(3)));
        assertThat(sm.orderedRetainedBytes()).isEqualTo(retained(sm, "b")).isLessThan(before);

        sm.applyOrdered(events(probe, "b", 61, 20), at(4));
        assertThat(sm.channel("b").orElseThrow().retainedEvents()).as("b may now grow into a's share")
                .isGreaterThan(60);
    }

    @Test
    void unorderedLogsHaveABudgetOfTheirOwn() {
        BrokerStateMachine sm = new BrokerStateMachine(config);
        channelWithProbes(sm, channel("u", ChannelClass.CFT_NO_NU, 10, 10, GENEROUS), probe);
        channelWithProbes(sm, channel("o", ChannelClass.CFT_O, 10, 10, GENEROUS), probe);
        for (int i = 0; i < 20; i++) {
            sm.applyUnordered(events(probe, "u", 1 + i * 10L, 10));
            sm.applyOrdered(events(probe, "o", 1 + i * 10L, 10), at(1 + i));
            assertThat(sm.unorderedRetainedBytes()).isLessThanOrEqualTo(BUDGET);
            assertThat(sm.orderedRetainedBytes()).isLessThanOrEqualTo(BUDGET);
        }
        assertThat(retained(sm, "u")).isEqualTo(sm.unorderedRetainedBytes()).isGreaterThan(BUDGET / 2);
        assertThat(retained(sm, "o")).isEqualTo(sm.orderedRetainedBytes()).isGreaterThan(BUDGET / 2);
    }
}
