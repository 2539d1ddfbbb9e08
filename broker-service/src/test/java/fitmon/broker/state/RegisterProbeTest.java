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
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.crypto.SignatureAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RegisterProbe: certificate checks at consensus time, limits, and key rotation. */
class RegisterProbeTest {

    private static final String TAG = "host.cpu";

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");

    @BeforeEach
    void createChannel() {
        accepted(sm.applyOrdered(channel(TAG, ChannelClass.BFT, 2, 10, ChannelRetention.DEFAULT), at(0)));
    }

    @Test
    void registersTheCertifiedKeyUnderTheCertificateCommonName() {
        assertThat(accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(1))).detail())
                .contains("web-01").contains("registered");

        assertThat(sm.channel(TAG).orElseThrow().probes()).containsExactly("web-01");
        assertThat(sm.registeredKey(TAG, "web-01")).hasValueSatisfying(key ->
                assertThat(key.spki()).isEqualTo(web01.keys.getPublic().getEncoded()));
        // and its events are accepted
        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(2))));
    }

    @Test
    void acceptsEs256AndRs256ProbeKeys() {
        SigningProbe ec = new SigningProbe("edge-ec", SignatureAlgorithm.ES256);
        SigningProbe rsa = new SigningProbe("edge-rsa", SignatureAlgorithm.RS256);
        accepted(sm.applyOrdered(new RegisterProbe(TAG, ec.certificate()), at(1)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, rsa.certificate()), at(1)));

        appended(only(sm.applyOrdered(publish(TAG, ec.signedBytes(TAG, 1)), at(2))));
        appended(only(sm.applyOrdered(publish(TAG, rsa.signedBytes(TAG, 1)), at(2))));
    }

    @Test
    void refusesAnUnknownChannel() {
        assertRefusedWithoutChange(sm, config, new RegisterProbe("host.mem", web01.certificate()), at(1),
                RejectReason.CHANNEL_NOT_FOUND);
    }

    @Test
    void refusesBytesThatAreNoCertificate() {
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, new byte[0]), at(1), RejectReason.CERTIFICATE_MALFORMED);
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, "not a certificate".getBytes()), at(1),
                RejectReason.CERTIFICATE_MALFORMED);
        byte[] truncated = java.util.Arrays.copyOf(web01.certificate(), 100);
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, truncated), at(1), RejectReason.CERTIFICATE_MALFORMED);
    }

    @Test
    void refusesACertificateWhoseCommonNameIsNoProbeId() {
        byte[] badName = TestKeys.certificate(TestKeys.CA, "web 01/../x", web01.keys.getPublic(),
                TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, badName), at(1), RejectReason.CERTIFICATE_MALFORMED);
    }

    @Test
    void refusesACertificateFromAnotherCa() {
        byte[] rogue = web01.certificate(TestKeys.ROGUE_CA, TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, rogue), at(1), RejectReason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void refusesEveryCertificateWhenNoCaIsConfigured() {
        StateMachineConfig noCa = new StateMachineConfig(null, StateMachineConfig.DEFAULT_MAX_EVENT_BYTES,
                StateMachineConfig.DEFAULT_MAX_BATCH_EVENTS, StateMachineConfig.DEFAULT_MAX_CHANNELS,
                StateMachineConfig.DEFAULT_MAX_RETAINED_EVENTS, StateMachineConfig.DEFAULT_MAX_RETAINED_BYTES);
        BrokerStateMachine open = new BrokerStateMachine(noCa);
        accepted(open.applyOrdered(channel(TAG, ChannelClass.CFT_O), at(0)));

        assertRefusedWithoutChange(open, noCa, new RegisterProbe(TAG, web01.certificate()), at(1),
                RejectReason.CERTIFICATE_UNTRUSTED);
        // and so nothing can be published, signed or not
        refused(only(open.applyOrdered(publish(TAG, web01.unsignedBytes(TAG, 1)), at(2))), RejectReason.PROBE_NOT_REGISTERED);
    }

    @Test
    void checksValidityAgainstConsensusTimeNotTheWallClock() {
        Instant from = TestKeys.T0.plus(Duration.ofHours(1));
        Instant until = TestKeys.T0.plus(Duration.ofHours(2));
        byte[] cert = web01.certificate(from, until);

        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, cert), at(3599), RejectReason.CERTIFICATE_NOT_YET_VALID);
        accepted(sm.applyOrdered(new RegisterProbe(TAG, cert), at(3600)));

        BrokerStateMachine later = new BrokerStateMachine(config);
        accepted(later.applyOrdered(channel(TAG, ChannelClass.BFT), at(0)));
        accepted(later.applyOrdered(new RegisterProbe(TAG, cert), at(7200)));
        assertRefusedWithoutChange(later, config, new RegisterProbe(TAG, cert), at(7200.001),
                RejectReason.CERTIFICATE_EXPIRED);
    }

    @Test
    void refusesACertifiedKeyOfAnUnsupportedKind() {
        byte[] p384 = TestKeys.certificate(TestKeys.CA, "web-01", TestKeys.p384KeyPair().getPublic(),
                TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, p384), at(1), RejectReason.CERTIFICATE_UNSUPPORTED);
    }

    @Test
    void refusesProbesBeyondTheChannelLimitButNotARegistrationAgain() {
        SigningProbe web02 = SigningProbe.ed25519("web-02");
        SigningProbe web03 = SigningProbe.ed25519("web-03");
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(1)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web02.certificate()), at(1)));

        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, web03.certificate()), at(2),
                RejectReason.PROBE_LIMIT_REACHED);

        // a registered probe re-registers at the limit and is not counted twice
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(3)));
        assertThat(sm.channel(TAG).orElseThrow().probes()).containsExactly("web-01", "web-02");
        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, web03.certificate()), at(4),
                RejectReason.PROBE_LIMIT_REACHED);
    }

    @Test
    void reRegistrationReplacesTheKeyAndKeepsTheLastSeq() {
        SigningProbe oldKey = web01;
        SigningProbe newKey = new SigningProbe("web-01", SignatureAlgorithm.ED25519, "web-01-rotated");
        accepted(sm.applyOrdered(new RegisterProbe(TAG, oldKey.certificate()), at(1)));
        appended(only(sm.applyOrdered(publish(TAG, oldKey.signedBytes(TAG, 5)), at(2))));

        assertThat(accepted(sm.applyOrdered(new RegisterProbe(TAG, newKey.certificate()), at(3))).detail())
                .contains("re-registered");

        assertThat(sm.channel(TAG).orElseThrow().probes()).containsExactly("web-01");
        assertThat(sm.registeredKey(TAG, "web-01")).hasValueSatisfying(key ->
                assertThat(key.spki()).isEqualTo(newKey.keys.getPublic().getEncoded()));
        // the old key no longer verifies
        refused(only(sm.applyOrdered(publish(TAG, oldKey.signedBytes(TAG, 6)), at(4))), RejectReason.SIGNATURE_INVALID);
        // SEQ history survives: 5 is still taken, 6 is free
        refused(only(sm.applyOrdered(publish(TAG, newKey.signedBytes(TAG, 5)), at(5))), RejectReason.SEQ_NOT_INCREASING);
        assertThat(appended(only(sm.applyOrdered(publish(TAG, newKey.signedBytes(TAG, 6)), at(6)))).channelSeq())
                .isEqualTo(2);
    }

    @Test
    void reRegistrationWithAnExpiredCertificateKeepsTheOldRegistration() {
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(1)));
        byte[] expired = web01.certificate(TestKeys.T0.minus(Duration.ofDays(2)), TestKeys.T0.minus(Duration.ofDays(1)));

        assertRefusedWithoutChange(sm, config, new RegisterProbe(TAG, expired), at(2), RejectReason.CERTIFICATE_EXPIRED);
        appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, 1)), at(3))));
    }

    @Test
    void registrationsArePerChannel() {
        accepted(sm.applyOrdered(channel("host.mem", ChannelClass.BFT), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(1)));

        refused(only(sm.applyOrdered(publish("host.mem", web01.signedBytes("host.mem", 1)), at(2))),
                RejectReason.PROBE_NOT_REGISTERED);
        assertThat(sm.registeredKey("host.mem", "web-01")).isEmpty();
    }
}
