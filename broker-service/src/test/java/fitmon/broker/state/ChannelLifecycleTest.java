package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.assertRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.RejectReason;
import fitmon.core.command.Subscribe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CreateChannel and DeleteChannel, with every refusal they can produce. */
class ChannelLifecycleTest {

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);

    @ParameterizedTest
    @EnumSource(ChannelClass.class)
    void createsAChannelOfEveryClassWithItsLimitsAndTheConsensusTime(ChannelClass channelClass) {
        CreateChannel create = new CreateChannel("host.cpu", channelClass, 60, 3, 4, new ChannelRetention(50, 4096));

        assertThat(accepted(sm.applyOrdered(create, at(5))).detail()).contains("host.cpu").contains(channelClass.name());

        ChannelView view = sm.channel("host.cpu").orElseThrow();
        assertThat(view.channelClass()).isEqualTo(channelClass);
        assertThat(view.idleTimeoutSeconds()).isEqualTo(60);
        assertThat(view.maxProbes()).isEqualTo(3);
        assertThat(view.maxSubscribers()).isEqualTo(4);
        assertThat(view.retention()).isEqualTo(new ChannelRetention(50, 4096));
        assertThat(view.createdAtMillis()).isEqualTo(at(5));
        assertThat(view.lastActivityMillis()).isEqualTo(at(5));
        assertThat(view.lastSeq()).isZero();
        assertThat(view.firstRetainedSeq()).isZero();
        assertThat(view.retainedEvents()).isZero();
        assertThat(view.probes()).isEmpty();
        assertThat(view.subscribers()).isEmpty();
        assertThat(sm.channels()).extracting(ChannelView::tag).containsExactly("host.cpu");
        assertThat(sm.appliedCommands()).isEqualTo(1);
    }

    @Test
    void listsChannelsInTagOrderWhateverTheCreationOrder() {
        for (String tag : List.of("zeta", "alpha", "Mid", "beta.1")) {
            accepted(sm.applyOrdered(channel(tag, ChannelClass.CFT_O), at(0)));
        }
        assertThat(sm.channels()).extracting(ChannelView::tag).containsExactly("Mid", "alpha", "beta.1", "zeta");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-starts-with-dash", ".dot", "has space", "slash/inside", "ünïcode", "tag?x"})
    void refusesAnInvalidTag(String tag) {
        assertRefusedWithoutChange(sm, config, channel(tag, ChannelClass.BFT), at(1), RejectReason.INVALID_TAG);
        assertThat(sm.channels()).isEmpty();
    }

    @Test
    void refusesATagLongerThan128Characters() {
        accepted(sm.applyOrdered(channel("a".repeat(128), ChannelClass.BFT), at(0)));
        assertRefusedWithoutChange(sm, config, channel("a".repeat(129), ChannelClass.BFT), at(1), RejectReason.INVALID_TAG);
    }

    @Test
    void refusesAnExistingTagEvenWithAnotherClass() {
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));

        assertRefusedWithoutChange(sm, config, channel("host.cpu", ChannelClass.CFT_NO_U), at(1), RejectReason.CHANNEL_EXISTS);
        assertThat(sm.channel("host.cpu").orElseThrow().channelClass()).isEqualTo(ChannelClass.BFT);
    }

    @Test
    void refusesEachLimitOutOfRange() {
        ChannelRetention ok = new ChannelRetention(10, 2048);
        List<CreateChannel> invalid = List.of(
                new CreateChannel("c", ChannelClass.BFT, -1, 1, 1, ok),
                new CreateChannel("c", ChannelClass.BFT, BrokerStateMachine.MAX_IDLE_TIMEOUT_SECONDS + 1, 1, 1, ok),
                new CreateChannel("c", ChannelClass.BFT, 0, 0, 1, ok),
                new CreateChannel("c", ChannelClass.BFT, 0, BrokerStateMachine.MAX_LIMIT + 1, 1, ok),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 0, ok),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, BrokerStateMachine.MAX_LIMIT + 1, ok),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 1, null),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 1, new ChannelRetention(0, 2048)),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 1,
                        new ChannelRetention(StateMachineConfig.DEFAULT_MAX_RETAINED_EVENTS + 1, 2048)),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 1,
                        new ChannelRetention(10, BrokerStateMachine.MIN_RETAINED_BYTES - 1)),
                new CreateChannel("c", ChannelClass.BFT, 0, 1, 1,
                        new ChannelRetention(10, StateMachineConfig.DEFAULT_MAX_RETAINED_BYTES + 1)));
        long t = 0;
        for (CreateChannel create : invalid) {
            assertRefusedWithoutChange(sm, config, create, at(++t), RejectReason.INVALID_LIMITS);
        }
        assertThat(sm.channels()).isEmpty();
    }

    @Test
    void acceptsEveryLimitAtItsBounds() {
        accepted(sm.applyOrdered(new CreateChannel("low", ChannelClass.BFT, 0, 1, 1,
                new ChannelRetention(1, BrokerStateMachine.MIN_RETAINED_BYTES)), at(0)));
        accepted(sm.applyOrdered(new CreateChannel("high", ChannelClass.BFT, BrokerStateMachine.MAX_IDLE_TIMEOUT_SECONDS,
                BrokerStateMachine.MAX_LIMIT, BrokerStateMachine.MAX_LIMIT, new ChannelRetention(
                StateMachineConfig.DEFAULT_MAX_RETAINED_EVENTS, StateMachineConfig.DEFAULT_MAX_RETAINED_BYTES)), at(0)));
        assertThat(sm.channels()).hasSize(2);
    }

    @Test
    void retentionBoundsComeFromTheConfiguration() {
        StateMachineConfig tight = new StateMachineConfig(TestKeys.CA.publicKey(), 4096, 10, 10, 100, 10_000);
        BrokerStateMachine small = new BrokerStateMachine(tight);
        accepted(small.applyOrdered(channel("ok", ChannelClass.CFT_O, 1, 1, new ChannelRetention(100, 10_000)), at(0)));
        assertRefusedWithoutChange(small, tight, channel("events", ChannelClass.CFT_O, 1, 1,
                new ChannelRetention(101, 10_000)), at(1), RejectReason.INVALID_LIMITS);
        assertRefusedWithoutChange(small, tight, channel("bytes", ChannelClass.CFT_O, 1, 1,
                new ChannelRetention(100, 10_001)), at(1), RejectReason.INVALID_LIMITS);
    }

    @Test
    void refusesChannelsBeyondTheConfiguredMaximumUntilOneIsDeleted() {
        StateMachineConfig three = StateFixture.config(4096, 10, 3);
        BrokerStateMachine small = new BrokerStateMachine(three);
        for (String tag : List.of("a", "b", "c")) {
            accepted(small.applyOrdered(channel(tag, ChannelClass.CFT_O), at(0)));
        }

        assertRefusedWithoutChange(small, three, channel("d", ChannelClass.CFT_O), at(1), RejectReason.CHANNEL_LIMIT_REACHED);
        // the tag check and the existence check come first
        assertRefusedWithoutChange(small, three, channel("a", ChannelClass.CFT_O), at(1), RejectReason.CHANNEL_EXISTS);

        accepted(small.applyOrdered(new DeleteChannel("b"), at(2)));
        accepted(small.applyOrdered(channel("d", ChannelClass.CFT_O), at(3)));
        assertThat(small.channels()).extracting(ChannelView::tag).containsExactly("a", "c", "d");
    }

    @Test
    void deletingAnUnknownChannelIsRefused() {
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        assertRefusedWithoutChange(sm, config, new DeleteChannel("host.mem"), at(1), RejectReason.CHANNEL_NOT_FOUND);
        assertRefusedWithoutChange(sm, config, new DeleteChannel("not a tag"), at(1), RejectReason.CHANNEL_NOT_FOUND);
    }

    @Test
    void deletingNotifiesTheSubscribersAndFreesTheTag() {
        RecordingListener listener = new RecordingListener();
        sm.setListener(listener);
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        accepted(sm.applyOrdered(new Subscribe("host.cpu", "soc-2"), at(1)));
        accepted(sm.applyOrdered(new Subscribe("host.cpu", "dash-1"), at(1)));

        accepted(sm.applyOrdered(new DeleteChannel("host.cpu"), at(7)));

        assertThat(listener.removed).containsExactly(
                new RecordingListener.Removed("host.cpu", RemovalCause.DELETED, List.of("dash-1", "soc-2"), at(7)));
        assertThat(sm.channel("host.cpu")).isEmpty();
        assertThat(sm.events("host.cpu", 0, 10)).isEmpty();
        assertRefusedWithoutChange(sm, config, new DeleteChannel("host.cpu"), at(8), RejectReason.CHANNEL_NOT_FOUND);

        // the TAG can be created again, from scratch
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.CFT_NO_NU), at(9)));
        ChannelView again = sm.channel("host.cpu").orElseThrow();
        assertThat(again.channelClass()).isEqualTo(ChannelClass.CFT_NO_NU);
        assertThat(again.subscribers()).isEmpty();
        assertThat(again.createdAtMillis()).isEqualTo(at(9));
    }

    @Test
    void deletingAChannelWithoutSubscribersStillNotifiesWithAnEmptyList() {
        RecordingListener listener = new RecordingListener();
        sm.setListener(listener);
        accepted(sm.applyOrdered(channel("quiet", ChannelClass.CFT_NO_U), at(0)));
        accepted(sm.applyOrdered(new DeleteChannel("quiet"), at(1)));
        assertThat(listener.removed).containsExactly(
                new RecordingListener.Removed("quiet", RemovalCause.DELETED, List.of(), at(1)));
    }
}
