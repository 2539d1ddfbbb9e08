package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.appended;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.channelWithProbes;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.outcomes;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.refused;
import static fitmon.broker.state.StateFixture.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import fitmon.core.command.Unsubscribe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** applyUnordered: publishes to CFT_NO_* channels, local and outside the agreed state. */
class UnorderedPublishTest {

    private static final String TAG = "host.log";

    /** maxEventBytes 1024, maxBatchEvents 4. */
    private final StateMachineConfig config = StateFixture.config(1024, 4, 10);
    private final BrokerStateMachine sm = new BrokerStateMachine(config);
    private final RecordingListener listener = new RecordingListener();
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");
    private final SigningProbe web02 = SigningProbe.ed25519("web-02");

    private void setUp(ChannelClass channelClass) {
        sm.setListener(listener);
        channelWithProbes(sm, channel(TAG, channelClass), web01, web02);
    }

    @ParameterizedTest
    @EnumSource(names = {"CFT_NO_U", "CFT_NO_NU"})
    void queuesEventsInArrivalOrderWithoutTouchingTheAgreedState(ChannelClass channelClass) {
        setUp(channelClass);
        byte[] digest = sm.digest();
        long applied = sm.appliedCommands();

        List<EventOutcome> outcomes = outcomes(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 3),
                web02.unsignedBytes(TAG, 9), web01.signedBytes(TAG, 4))));

        assertThat(outcomes).containsExactly(new EventOutcome.Queued("web-01", 3), new EventOutcome.Queued("web-02", 9),
                new EventOutcome.Queued("web-01", 4));
        List<LoggedEvent> local = sm.events(TAG, 1, 10);
        assertThat(local).extracting(LoggedEvent::channelSeq).containsExactly(1L, 2L, 3L);
        assertThat(local).extracting(e -> e.probeId() + "/" + e.seq()).containsExactly("web-01/3", "web-02/9", "web-01/4");
        assertThat(local).extracting(LoggedEvent::orderedAtMillis).containsOnly(at(0));
        assertThat(listener.appended).extracting(RecordingListener.Appended::channelClass).containsOnly(channelClass);
        assertThat(listener.appended).hasSize(3);
        ChannelView view = sm.channel(TAG).orElseThrow();
        assertThat(view.lastSeq()).isEqualTo(3);
        assertThat(view.retainedEvents()).isEqualTo(3);
        assertThat(view.lastActivityMillis()).as("unordered events are no agreed activity").isEqualTo(at(0));

        assertThat(sm.digest()).isEqualTo(digest);
        assertThat(sm.appliedCommands()).isEqualTo(applied);
        assertThat(sm.consensusTimeMillis()).isEqualTo(at(0));
    }

    @ParameterizedTest
    @EnumSource(names = {"CFT_NO_U", "CFT_NO_NU"})
    void checksSeqPerProbeAgainstAReplayWindow(ChannelClass channelClass) {
        setUp(channelClass);
        byte[] five = web01.signedBytes(TAG, 5);
        assertThat(only(sm.applyUnordered(publish(TAG, five)))).isEqualTo(new EventOutcome.Queued("web-01", 5));

        // a replay and a duplicate inside one batch are refused
        refused(only(sm.applyUnordered(publish(TAG, five))), RejectReason.SEQ_NOT_INCREASING);
        List<EventOutcome> batch = outcomes(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 6),
                web01.signedBytes(TAG, 6))));
        assertThat(batch.get(0)).isEqualTo(new EventOutcome.Queued("web-01", 6));
        refused(batch.get(1), RejectReason.SEQ_NOT_INCREASING);

        // a late event inside the window is still accepted (it travelled on another connection)
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 2))))).isEqualTo(new EventOutcome.Queued("web-01", 2));
        // SEQs are per probe
        assertThat(only(sm.applyUnordered(publish(TAG, web02.signedBytes(TAG, 5))))).isEqualTo(new EventOutcome.Queued("web-02", 5));

        // far ahead, then anything older than the window is refused
        long high = 10_000;
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, high))))).isInstanceOf(EventOutcome.Queued.class);
        refused(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, high - ReplayWindow.SIZE)))),
                RejectReason.SEQ_NOT_INCREASING);
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, high - ReplayWindow.SIZE + 1)))))
                .isInstanceOf(EventOutcome.Queued.class);

        assertThat(sm.events(TAG, 0, 100)).extracting(e -> e.probeId() + "/" + e.seq())
                .containsExactly("web-01/5", "web-01/6", "web-01/2", "web-02/5", "web-01/10000", "web-01/5905");
    }

    @ParameterizedTest
    @EnumSource(names = {"CFT_NO_U", "CFT_NO_NU"})
    void appliesThePerEventChecksOfEveryPath(ChannelClass channelClass) {
        setUp(channelClass);
        accepted(sm.applyOrdered(channel("host.other", channelClass), at(0)));
        byte[] digest = sm.digest();

        List<EventOutcome> outcomes = outcomes(sm.applyUnordered(publish(TAG,
                "{nope".getBytes(StandardCharsets.UTF_8),
                web01.paddedBytes(TAG, 1, 2000),
                web01.signedBytes("host.other", 1),
                SigningProbe.ed25519("stranger").signedBytes(TAG, 1))));
        refused(outcomes.get(0), RejectReason.MALFORMED_EVENT);
        refused(outcomes.get(1), RejectReason.EVENT_TOO_LARGE);
        refused(outcomes.get(2), RejectReason.TAG_MISMATCH);
        refused(outcomes.get(3), RejectReason.PROBE_NOT_REGISTERED);

        List<EventOutcome> signatures = outcomes(sm.applyUnordered(publish(TAG,
                web01.tamperedBytes(TAG, 1),
                web02.forgedAs(web01, TAG, 1),
                web01.relabelledBytes(TAG, 1, "RS256"),
                web01.unsignedBytes(TAG, 1))));
        refused(signatures.get(0), RejectReason.SIGNATURE_INVALID);
        refused(signatures.get(1), RejectReason.SIGNATURE_INVALID);
        refused(signatures.get(2), RejectReason.SIGNATURE_INVALID);
        assertThat(signatures.get(3)).as("signatures are optional here").isEqualTo(new EventOutcome.Queued("web-01", 1));

        assertThat(sm.events(TAG, 0, 10)).hasSize(1);
        assertThat(sm.digest()).isEqualTo(digest);
    }

    @Test
    void refusesEventsOfAnExpiredProbeCertificateByTheLastConsensusTime() {
        sm.setListener(listener);
        accepted(sm.applyOrdered(channel(TAG, ChannelClass.CFT_NO_U), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate(TestKeys.VALID_FROM,
                TestKeys.T0.plus(Duration.ofMinutes(1)))), at(0)));
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 1))))).isInstanceOf(EventOutcome.Queued.class);

        sm.applyOrdered(new Tick(), at(61));
        refused(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 2)))), RejectReason.PROBE_CERTIFICATE_EXPIRED);
    }

    @Test
    void refusesWholeCommandsThatCannotBeQueued() {
        setUp(ChannelClass.CFT_NO_NU);
        byte[] digest = sm.digest();

        rejected(sm.applyUnordered(publish("host.missing", web01.signedBytes("host.missing", 1))), RejectReason.CHANNEL_NOT_FOUND);
        rejected(sm.applyUnordered(new Publish(TAG, List.of())), RejectReason.MALFORMED_COMMAND);
        rejected(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 1), web01.signedBytes(TAG, 2),
                web01.signedBytes(TAG, 3), web01.signedBytes(TAG, 4), web01.signedBytes(TAG, 5))), RejectReason.BATCH_TOO_LARGE);

        assertThat(sm.events(TAG, 0, 10)).isEmpty();
        assertThat(sm.digest()).isEqualTo(digest);
    }

    @Test
    void refusesEveryCommandButPublishOnTheUnorderedPath() {
        setUp(ChannelClass.CFT_NO_U);
        byte[] digest = sm.digest();
        List<BrokerCommand> notPublishes = List.of(CreateChannel.withDefaults("new.one", ChannelClass.CFT_NO_U),
                new DeleteChannel(TAG), new RegisterProbe(TAG, web01.certificate()), new Subscribe(TAG, "soc-1"),
                new Unsubscribe(TAG, "soc-1"), new Touch(TAG), new Tick());
        for (BrokerCommand command : notPublishes) {
            rejected(sm.applyUnordered(command), RejectReason.WRONG_DELIVERY_PATH);
            // the same through the byte interface
            rejected(ResultCodec.decode(sm.applyUnordered(CommandCodec.encode(command))), RejectReason.WRONG_DELIVERY_PATH);
        }
        assertThat(sm.channels()).extracting(ChannelView::tag).containsExactly(TAG);
        assertThat(sm.digest()).isEqualTo(digest);
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesAnUnorderedPublishToAnOrderedChannel(ChannelClass channelClass) {
        setUp(channelClass);
        byte[] digest = sm.digest();
        rejected(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 1))), RejectReason.WRONG_DELIVERY_PATH);
        assertThat(sm.events(TAG, 0, 10)).isEmpty();
        assertThat(listener.appended).isEmpty();
        assertThat(sm.digest()).isEqualTo(digest);
        // SEQ 1 was not consumed
        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(1))));
    }

    @Test
    void undecodableBytesOnTheUnorderedPathAreMalformed() {
        setUp(ChannelClass.CFT_NO_U);
        byte[] digest = sm.digest();
        for (byte[] garbage : List.of(new byte[0], new byte[] {0x46}, "hello".getBytes(StandardCharsets.UTF_8),
                new byte[] {0x46, 1, 99})) {
            rejected(ResultCodec.decode(sm.applyUnordered(garbage)), RejectReason.MALFORMED_COMMAND);
        }
        assertThat(sm.digest()).isEqualTo(digest);
    }

    @Test
    void queuedEventsAreByteIdenticalThroughTheByteInterface() {
        setUp(ChannelClass.CFT_NO_NU);
        byte[] reply = sm.applyUnordered(CommandCodec.encode(publish(TAG, web01.signedBytes(TAG, 1))));
        assertThat(ResultCodec.decode(reply)).isEqualTo(new CommandResult.Published(
                List.of(new EventOutcome.Queued("web-01", 1))));
    }

    @Test
    void deletingTheChannelDropsItsLocalLogAndSeqs() {
        setUp(ChannelClass.CFT_NO_U);
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 1))))).isInstanceOf(EventOutcome.Queued.class);

        accepted(sm.applyOrdered(new DeleteChannel(TAG), at(1)));
        rejected(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 2))), RejectReason.CHANNEL_NOT_FOUND);

        channelWithProbes(sm, channel(TAG, ChannelClass.CFT_NO_U), web01);
        assertThat(sm.events(TAG, 0, 10)).isEmpty();
        assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, 1))))).isEqualTo(new EventOutcome.Queued("web-01", 1));
        assertThat(sm.events(TAG, 0, 10)).extracting(LoggedEvent::channelSeq).containsExactly(1L);
    }

    @Test
    void unorderedRetentionFollowsTheChannelLimits() {
        sm.setListener(listener);
        accepted(sm.applyOrdered(channel(TAG, ChannelClass.CFT_NO_NU, 10, 10,
                new ChannelRetention(2, 1024 * 1024)), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(0)));
        for (long seq = 1; seq <= 5; seq++) {
            assertThat(only(sm.applyUnordered(publish(TAG, web01.signedBytes(TAG, seq))))).isInstanceOf(EventOutcome.Queued.class);
        }
        assertThat(sm.events(TAG, 0, 10)).extracting(LoggedEvent::seq).containsExactly(4L, 5L);
        ChannelView view = sm.channel(TAG).orElseThrow();
        assertThat(view.lastSeq()).isEqualTo(5);
        assertThat(view.firstRetainedSeq()).isEqualTo(4);
    }
}
