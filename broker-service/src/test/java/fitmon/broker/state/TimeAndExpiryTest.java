package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.appended;
import static fitmon.broker.state.StateFixture.assertRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.refused;
import static fitmon.broker.state.StateFixture.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Touch, Tick, consensus time and idle expiry. */
class TimeAndExpiryTest {

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);
    private final RecordingListener listener = new RecordingListener();
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");

    @BeforeEach
    void listen() {
        sm.setListener(listener);
    }

    @Test
    void tickIsAcceptedAndOnlyAdvancesTime() {
        assertThat(accepted(sm.applyOrdered(new Tick(), at(5))).detail()).contains(Long.toString(at(5)));
        assertThat(sm.consensusTimeMillis()).isEqualTo(at(5));
        assertThat(sm.appliedCommands()).isEqualTo(1);
        assertThat(sm.channels()).isEmpty();
    }

    @Test
    void touchRecordsActivityOnAnyChannel() {
        accepted(sm.applyOrdered(channel("unordered", ChannelClass.CFT_NO_U, 60), at(0)));
        accepted(sm.applyOrdered(channel("ordered", ChannelClass.BFT, 60), at(0)));

        accepted(sm.applyOrdered(new Touch("unordered"), at(30)));
        accepted(sm.applyOrdered(new Touch("ordered"), at(31)));

        assertThat(sm.channel("unordered").orElseThrow().lastActivityMillis()).isEqualTo(at(30));
        assertThat(sm.channel("ordered").orElseThrow().lastActivityMillis()).isEqualTo(at(31));
    }

    @Test
    void touchOfAnUnknownChannelIsRefused() {
        assertRefusedWithoutChange(sm, config, new Touch("nothing.here"), at(1), RejectReason.CHANNEL_NOT_FOUND);
    }

    @Test
    void consensusTimeNeverMovesBackwards() {
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.CFT_O), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe("host.cpu", web01.certificate()), at(0)));
        sm.applyOrdered(new Tick(), at(100));

        EventOutcome.Appended late = appended(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(40))));

        assertThat(sm.consensusTimeMillis()).isEqualTo(at(100));
        assertThat(late.orderedAtMillis()).isEqualTo(at(100));
        accepted(sm.applyOrdered(new Touch("host.cpu"), at(10)));
        assertThat(sm.channel("host.cpu").orElseThrow().lastActivityMillis()).isEqualTo(at(100));
        accepted(sm.applyOrdered(channel("late", ChannelClass.CFT_O), at(1)));
        assertThat(sm.channel("late").orElseThrow().createdAtMillis()).isEqualTo(at(100));
    }

    @Test
    void aBackwardTimestampNeitherExpiresNorRevivesAnything() {
        accepted(sm.applyOrdered(channel("short", ChannelClass.CFT_O, 10), at(0)));
        sm.applyOrdered(new Tick(), at(10));
        sm.applyOrdered(new Tick(), at(2));
        assertThat(sm.channel("short")).isPresent();
        sm.applyOrdered(new Tick(), at(10.001));
        assertThat(sm.channel("short")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ChannelClass.class)
    void expiresOnTheFirstOrderedCommandPastLastActivityPlusTimeout(ChannelClass channelClass) {
        accepted(sm.applyOrdered(channel("idle", channelClass, 60), at(0)));
        accepted(sm.applyOrdered(new Subscribe("idle", "soc-1"), at(1)));
        accepted(sm.applyOrdered(new Subscribe("idle", "dash-1"), at(1)));

        // exactly at the deadline the channel is still there
        sm.applyOrdered(new Tick(), at(60));
        assertThat(sm.channel("idle")).isPresent();
        assertThat(listener.removed).isEmpty();

        // the first ordered command past it removes the channel before it is applied
        assertRefusedWithoutChange(sm, config, new Touch("idle"), at(60.001), RejectReason.CHANNEL_NOT_FOUND);
        assertThat(sm.channel("idle")).isEmpty();
        assertThat(listener.removed).containsExactly(
                new RecordingListener.Removed("idle", RemovalCause.EXPIRED, List.of("dash-1", "soc-1"), at(60.001)));
    }

    @Test
    void expiryHappensOnMalformedCommandBytesToo() {
        accepted(sm.applyOrdered(channel("idle", ChannelClass.CFT_O, 5), at(0)));
        rejected(ResultCodec.decode(sm.applyOrdered(new byte[] {1, 2, 3}, at(6))),
                RejectReason.MALFORMED_COMMAND);
        assertThat(sm.channel("idle")).isEmpty();
        assertThat(listener.removed(RemovalCause.EXPIRED)).hasSize(1);
    }

    @Test
    void anAcceptedEventPostponesExpiryButARefusedOneDoesNot() {
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT, 60), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe("host.cpu", web01.certificate()), at(0)));

        appended(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(50))));
        refused(only(sm.applyOrdered(publish("host.cpu", web01.unsignedBytes("host.cpu", 2)), at(100))),
                RejectReason.SIGNATURE_REQUIRED);

        sm.applyOrdered(new Tick(), at(110));
        assertThat(sm.channel("host.cpu")).isPresent();
        sm.applyOrdered(new Tick(), at(110.001));
        assertThat(sm.channel("host.cpu")).isEmpty();
        assertThat(listener.removed(RemovalCause.EXPIRED)).extracting(RecordingListener.Removed::tag).containsExactly("host.cpu");
    }

    @Test
    void touchPostponesExpiry() {
        accepted(sm.applyOrdered(channel("host.log", ChannelClass.CFT_NO_NU, 60), at(0)));
        accepted(sm.applyOrdered(new Touch("host.log"), at(59)));
        sm.applyOrdered(new Tick(), at(119));
        assertThat(sm.channel("host.log")).isPresent();
        accepted(sm.applyOrdered(new Touch("host.log"), at(119)));
        sm.applyOrdered(new Tick(), at(179));
        assertThat(sm.channel("host.log")).isPresent();
        sm.applyOrdered(new Tick(), at(179.5));
        assertThat(sm.channel("host.log")).isEmpty();
    }

    @Test
    void unorderedEventsAloneDoNotPostponeExpiry() {
        accepted(sm.applyOrdered(channel("host.log", ChannelClass.CFT_NO_U, 60), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe("host.log", web01.certificate()), at(0)));
        sm.applyOrdered(new Tick(), at(59));
        assertThat(only(sm.applyUnordered(publish("host.log", web01.signedBytes("host.log", 1)))))
                .isInstanceOf(EventOutcome.Queued.class);
        sm.applyOrdered(new Tick(), at(61));
        assertThat(sm.channel("host.log")).isEmpty();
    }

    @Test
    void idleTimeoutZeroNeverExpires() {
        accepted(sm.applyOrdered(channel("forever", ChannelClass.BFT, 0), at(0)));
        sm.applyOrdered(new Tick(), at(3600L * 24 * 365 * 5));
        assertThat(sm.channel("forever")).isPresent();
        assertThat(listener.removed).isEmpty();
    }

    @Test
    void severalChannelsExpireInDeadlineOrderThenTagOrder() {
        accepted(sm.applyOrdered(channel("b", ChannelClass.CFT_O, 30), at(0)));
        accepted(sm.applyOrdered(channel("a", ChannelClass.CFT_O, 30), at(0)));
        accepted(sm.applyOrdered(channel("c", ChannelClass.CFT_O, 10), at(5)));
        accepted(sm.applyOrdered(channel("keep", ChannelClass.CFT_O, 100), at(0)));

        sm.applyOrdered(new Tick(), at(99));  // all but "keep" are past their deadline

        assertThat(listener.removed).extracting(RecordingListener.Removed::tag).containsExactly("c", "a", "b");
        assertThat(listener.removed).extracting(RecordingListener.Removed::atMillis).containsOnly(at(99));
        assertThat(sm.channels()).extracting(ChannelView::tag).containsExactly("keep");
    }

    @Test
    void anExpiredTagCanBeCreatedAgainInTheSameCommand() {
        accepted(sm.applyOrdered(channel("idle", ChannelClass.BFT, 5), at(0)));
        accepted(sm.applyOrdered(channel("idle", ChannelClass.CFT_O, 5), at(6)));
        assertThat(sm.channel("idle").orElseThrow().channelClass()).isEqualTo(ChannelClass.CFT_O);
        assertThat(listener.removed(RemovalCause.EXPIRED)).hasSize(1);
    }

    @Test
    void deletedChannelsDoNotExpireLater() {
        accepted(sm.applyOrdered(channel("gone", ChannelClass.CFT_O, 5), at(0)));
        accepted(sm.applyOrdered(new DeleteChannel("gone"), at(1)));
        sm.applyOrdered(new Tick(), at(100));
        assertThat(listener.removed).extracting(RecordingListener.Removed::cause).containsExactly(RemovalCause.DELETED);
    }
}
