package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.appended;
import static fitmon.broker.state.StateFixture.assertEventsRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.assertRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.channelWithProbes;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.outcomes;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.EventJson;
import fitmon.core.event.MalformedEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Publish on the ordered classes (BFT, CFT_O): appends, every per-event refusal, whole-command refusals. */
class OrderedPublishTest {

    private static final String TAG = "host.cpu";

    /** maxEventBytes 1024, maxBatchEvents 4, maxChannels 10. */
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
    @EnumSource(names = {"BFT", "CFT_O"})
    void appendsWithConsecutiveChannelSeqAndTheConsensusTime(ChannelClass channelClass) throws MalformedEventException {
        setUp(channelClass);

        List<EventOutcome> first = outcomes(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(10)));
        List<EventOutcome> batch = outcomes(sm.applyOrdered(publish(TAG, web02.signedBytes(TAG, 7),
                web01.signedBytes(TAG, 2), web02.signedBytes(TAG, 8)), at(11)));

        assertThat(first).containsExactly(new EventOutcome.Appended(1, at(10)));
        assertThat(batch).containsExactly(new EventOutcome.Appended(2, at(11)), new EventOutcome.Appended(3, at(11)),
                new EventOutcome.Appended(4, at(11)));

        List<LoggedEvent> log = sm.events(TAG, 1, 100);
        assertThat(log).extracting(LoggedEvent::channelSeq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(log).extracting(LoggedEvent::orderedAtMillis).containsExactly(at(10), at(11), at(11), at(11));
        assertThat(log).extracting(LoggedEvent::probeId).containsExactly("web-01", "web-02", "web-01", "web-02");
        assertThat(log).extracting(LoggedEvent::seq).containsExactly(1L, 7L, 2L, 8L);
        // the log keeps the canonical (RFC 8785) bytes of the signed envelope
        assertThat(log.get(0).envelope()).isEqualTo(CanonicalJson.envelopeBytes(web01.signed(TAG, 1)));
        assertThat(EventJson.parse(log.get(0).envelope())).isEqualTo(EventJson.parse(web01.signedBytes(TAG, 1)));

        ChannelView view = sm.channel(TAG).orElseThrow();
        assertThat(view.lastSeq()).isEqualTo(4);
        assertThat(view.retainedEvents()).isEqualTo(4);
        assertThat(view.lastActivityMillis()).isEqualTo(at(11));

        assertThat(listener.appended).extracting(a -> a.event().channelSeq()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(listener.appended).allSatisfy(a -> {
            assertThat(a.tag()).isEqualTo(TAG);
            assertThat(a.channelClass()).isEqualTo(channelClass);
        });
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesEventsThatAreNotEnvelopes(ChannelClass channelClass) {
        setUp(channelClass);
        List<String> malformed = List.of(
                "",
                "not json",
                "[1,2]",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\"}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":0,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{}}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"yesterday\",\"data\":{}}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"extra\":1}",
                "{\"probeId\":\"web-01\",\"probeId\":\"web-02\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{}}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"sig\":{\"alg\":\"Ed25519\"}}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"sig\":{\"alg\":\"Ed25519\",\"value\":\"!!\"}}",
                // numbers without an RFC 8785 form must be refused, not crash canonicalization
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{\"x\":1e400}}",
                "{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":1,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{\"x\":[1" + "0".repeat(400) + "]}}");
        for (String json : malformed) {
            assertEventsRefusedWithoutChange(sm, config, publish(TAG, json.getBytes(StandardCharsets.UTF_8)), at(1),
                    RejectReason.MALFORMED_EVENT);
        }
    }

    @Test
    void aHostileMemberNameStillGetsADecodableReply() {
        BrokerStateMachine roomy = new BrokerStateMachine(StateFixture.config());
        channelWithProbes(roomy, channel(TAG, ChannelClass.CFT_O), web01);
        // the refusal detail quotes the member name; the reply must still decode (details <= 4096 bytes)
        String json = "{\"" + "m".repeat(10_000) + "\":1}";
        byte[] reply = roomy.applyOrdered(CommandCodec.encode(publish(TAG, json.getBytes(StandardCharsets.UTF_8))), at(1));
        EventOutcome.Refused refusal = refused(only(ResultCodec.decode(reply)), RejectReason.MALFORMED_EVENT);
        assertThat(refusal.detail().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    }

    @Test
    void refusesAnEventLargerThanTheConfiguredMaximum() {
        setUp(ChannelClass.BFT);
        byte[] big = web01.paddedBytes(TAG, 1, 1100);
        assertThat(big.length).isGreaterThan(1024);
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, big), at(1), RejectReason.EVENT_TOO_LARGE);
        // the size check comes before parsing: garbage that is too large is "too large"
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, new byte[1025]), at(1), RejectReason.EVENT_TOO_LARGE);

        byte[] fits = web01.paddedBytes(TAG, 1, 900);
        assertThat(fits.length).isLessThanOrEqualTo(1024);
        appended(only(sm.applyOrdered(publish(TAG, fits), at(2))));
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesAnEventForAnotherTag(ChannelClass channelClass) {
        setUp(channelClass);
        accepted(sm.applyOrdered(channel("host.mem", channelClass), at(0)));
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.signedBytes("host.mem", 1)), at(1),
                RejectReason.TAG_MISMATCH);
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesAnUnregisteredProbe(ChannelClass channelClass) {
        setUp(channelClass);
        SigningProbe stranger = SigningProbe.ed25519("stranger-01");
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, stranger.signedBytes(TAG, 1)), at(1),
                RejectReason.PROBE_NOT_REGISTERED);
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, stranger.unsignedBytes(TAG, 1)), at(1),
                RejectReason.PROBE_NOT_REGISTERED);
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesEventsOfAProbeWhoseCertificateExpiredInConsensusTime(ChannelClass channelClass) {
        sm.setListener(listener);
        accepted(sm.applyOrdered(channel(TAG, channelClass), at(0)));
        byte[] hour = web01.certificate(TestKeys.VALID_FROM, TestKeys.T0.plus(Duration.ofHours(1)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, hour), at(0)));

        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(3600))));
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.signedBytes(TAG, 2)), at(3600.001),
                RejectReason.PROBE_CERTIFICATE_EXPIRED);

        // a new certificate brings it back, with its SEQ history
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(3601)));
        refused(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(3602))), RejectReason.SEQ_NOT_INCREASING);
        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 2)), at(3602))));
    }

    @Test
    void bftRequiresASignature() {
        setUp(ChannelClass.BFT);
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.unsignedBytes(TAG, 1)), at(1),
                RejectReason.SIGNATURE_REQUIRED);
        String explicitNull = new String(web01.unsignedBytes(TAG, 1), StandardCharsets.UTF_8)
                .replaceFirst("}$", ",\"sig\":null}");
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, explicitNull.getBytes(StandardCharsets.UTF_8)), at(1),
                RejectReason.SIGNATURE_REQUIRED);
    }

    @Test
    void cftOrderedAcceptsUnsignedEventsButStillChecksPresentSignatures() {
        setUp(ChannelClass.CFT_O);
        assertThat(appended(only(sm.applyOrdered(publish(TAG, web01.unsignedBytes(TAG, 1)), at(1)))).channelSeq())
                .isEqualTo(1);
        assertThat(sm.events(TAG, 1, 1).get(0).envelopeJson()).doesNotContain("sig");
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.tamperedBytes(TAG, 2)), at(2),
                RejectReason.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesSignaturesThatDoNotVerifyWithTheRegisteredKey(ChannelClass channelClass) {
        setUp(channelClass);
        // data changed after signing
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.tamperedBytes(TAG, 1)), at(1),
                RejectReason.SIGNATURE_INVALID);
        // web-02 signs an event that claims to come from web-01
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web02.forgedAs(web01, TAG, 1)), at(1),
                RejectReason.SIGNATURE_INVALID);
        // a key the CA never certified, claiming web-01
        SigningProbe impostor = new SigningProbe("web-01", SignatureAlgorithm.ED25519, "impostor");
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, impostor.signedBytes(TAG, 1)), at(1),
                RejectReason.SIGNATURE_INVALID);
        // the right signature, labelled with another accepted algorithm and with an unknown one
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.relabelledBytes(TAG, 1, "ES256")), at(1),
                RejectReason.SIGNATURE_INVALID);
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.relabelledBytes(TAG, 1, "HS256")), at(1),
                RejectReason.SIGNATURE_INVALID);
        // a real ES256 signature from an EC key, for a probe registered with Ed25519
        SigningProbe ecWeb01 = new SigningProbe("web-01", SignatureAlgorithm.ES256, "ec-impostor");
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, ecWeb01.signedBytes(TAG, 1)), at(1),
                RejectReason.SIGNATURE_INVALID);
        // and the genuine one still goes through afterwards: nothing above consumed SEQ 1
        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(2))));
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesReplaysAndOlderSeqs(ChannelClass channelClass) {
        setUp(channelClass);
        byte[] five = web01.signedBytes(TAG, 5);
        appended(only(sm.applyOrdered(publish(TAG, five), at(1))));

        assertEventsRefusedWithoutChange(sm, config, publish(TAG, five), at(2), RejectReason.SEQ_NOT_INCREASING);
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.signedBytes(TAG, 4)), at(2),
                RejectReason.SEQ_NOT_INCREASING);
        // SEQ is per probe: web-02 may still use 1
        appended(only(sm.applyOrdered(publish(TAG, web02.signedBytes(TAG, 1)), at(3))));
    }

    @ParameterizedTest
    @EnumSource(names = {"BFT", "CFT_O"})
    void refusesADuplicateInsideOneBatch(ChannelClass channelClass) {
        setUp(channelClass);
        byte[] one = web01.signedBytes(TAG, 1);
        List<EventOutcome> outcomes = outcomes(sm.applyOrdered(publish(TAG, one, one, web01.signedBytes(TAG, 3),
                web01.signedBytes(TAG, 2)), at(1)));

        assertThat(outcomes.get(0)).isEqualTo(new EventOutcome.Appended(1, at(1)));
        refused(outcomes.get(1), RejectReason.SEQ_NOT_INCREASING);
        assertThat(outcomes.get(2)).isEqualTo(new EventOutcome.Appended(2, at(1)));
        refused(outcomes.get(3), RejectReason.SEQ_NOT_INCREASING);
        assertThat(sm.events(TAG, 0, 10)).extracting(LoggedEvent::seq).containsExactly(1L, 3L);
    }

    @Test
    void aMixedBatchKeepsTheGoodEventsInOrder() {
        StateMachineConfig roomy = StateFixture.config(1024, 20, 10);
        BrokerStateMachine big = new BrokerStateMachine(roomy);
        channelWithProbes(big, channel(TAG, ChannelClass.BFT), web01, web02);
        accepted(big.applyOrdered(channel("host.mem", ChannelClass.BFT), at(0)));

        List<byte[]> events = new ArrayList<>();
        events.add(web01.signedBytes(TAG, 1));                             // appended #1
        events.add("{oops".getBytes(StandardCharsets.UTF_8));              // MALFORMED_EVENT
        events.add(web01.paddedBytes(TAG, 2, 2000));                       // EVENT_TOO_LARGE
        events.add(web02.signedBytes("host.mem", 1));                      // TAG_MISMATCH
        events.add(SigningProbe.ed25519("stranger").signedBytes(TAG, 1));  // PROBE_NOT_REGISTERED
        events.add(web02.unsignedBytes(TAG, 1));                           // SIGNATURE_REQUIRED
        events.add(web02.tamperedBytes(TAG, 1));                           // SIGNATURE_INVALID
        events.add(web02.signedBytes(TAG, 1));                             // appended #2
        events.add(web01.signedBytes(TAG, 1));                             // SEQ_NOT_INCREASING
        events.add(web01.signedBytes(TAG, 2));                             // appended #3
        List<EventOutcome> outcomes = outcomes(big.applyOrdered(new Publish(TAG, events), at(4)));

        assertThat(outcomes).hasSize(10);
        assertThat(outcomes.get(0)).isEqualTo(new EventOutcome.Appended(1, at(4)));
        refused(outcomes.get(1), RejectReason.MALFORMED_EVENT);
        refused(outcomes.get(2), RejectReason.EVENT_TOO_LARGE);
        refused(outcomes.get(3), RejectReason.TAG_MISMATCH);
        refused(outcomes.get(4), RejectReason.PROBE_NOT_REGISTERED);
        refused(outcomes.get(5), RejectReason.SIGNATURE_REQUIRED);
        refused(outcomes.get(6), RejectReason.SIGNATURE_INVALID);
        assertThat(outcomes.get(7)).isEqualTo(new EventOutcome.Appended(2, at(4)));
        refused(outcomes.get(8), RejectReason.SEQ_NOT_INCREASING);
        assertThat(outcomes.get(9)).isEqualTo(new EventOutcome.Appended(3, at(4)));
        assertThat(big.events(TAG, 0, 10)).extracting(e -> e.probeId() + "/" + e.seq())
                .containsExactly("web-01/1", "web-02/1", "web-01/2");
    }

    @Test
    void aBatchOfRefusalsOnlyIsNoActivity() {
        setUp(ChannelClass.BFT);
        // the helper also checks that lastActivityMillis did not move to t=50
        assertEventsRefusedWithoutChange(sm, config, publish(TAG, web01.unsignedBytes(TAG, 1), web02.unsignedBytes(TAG, 1)),
                at(50), RejectReason.SIGNATURE_REQUIRED);
        assertThat(sm.channel(TAG).orElseThrow().lastActivityMillis()).isEqualTo(at(0));
    }

    @Test
    void refusesABatchLargerThanTheConfiguredMaximumAsAWhole() {
        setUp(ChannelClass.BFT);
        Publish five = publish(TAG, web01.signedBytes(TAG, 1), web01.signedBytes(TAG, 2), web01.signedBytes(TAG, 3),
                web01.signedBytes(TAG, 4), web01.signedBytes(TAG, 5));
        assertRefusedWithoutChange(sm, config, five, at(1), RejectReason.BATCH_TOO_LARGE);
        assertThat(sm.events(TAG, 0, 10)).isEmpty();

        Publish four = new Publish(TAG, five.events().subList(0, 4));
        assertThat(outcomes(sm.applyOrdered(four, at(2)))).allMatch(o -> o instanceof EventOutcome.Appended);
    }

    @Test
    void refusesAnEmptyPublishAsMalformed() {
        setUp(ChannelClass.CFT_O);
        assertRefusedWithoutChange(sm, config, new Publish(TAG, List.of()), at(1), RejectReason.MALFORMED_COMMAND);
    }

    @Test
    void refusesAPublishToAnUnknownChannel() {
        setUp(ChannelClass.BFT);
        assertRefusedWithoutChange(sm, config, publish("host.mem", web01.signedBytes("host.mem", 1)), at(1),
                RejectReason.CHANNEL_NOT_FOUND);
    }

    @ParameterizedTest
    @EnumSource(names = {"CFT_NO_U", "CFT_NO_NU"})
    void refusesAnOrderedPublishToAnUnorderedChannel(ChannelClass channelClass) {
        setUp(channelClass);
        assertRefusedWithoutChange(sm, config, publish(TAG, web01.signedBytes(TAG, 1)), at(1),
                RejectReason.WRONG_DELIVERY_PATH);
        assertThat(sm.events(TAG, 0, 10)).isEmpty();
        assertThat(listener.appended).isEmpty();
    }
}
