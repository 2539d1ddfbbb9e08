package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.appended;
import static fitmon.broker.state.StateFixture.assertEventsRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.assertRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.assertUnchangedBut;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.outcomes;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CertificateKind;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.RevokeCertificate;
import fitmon.core.command.Tick;
import fitmon.core.crypto.SignatureAlgorithm;
import org.junit.jupiter.api.Test;

/**
 * Revocation ordered into the agreed state: a revoked probe certificate's events and
 * registrations, and a revoked gateway certificate's commands, are refused by the state machine
 * itself from the next command on, whatever the gateway in front checked.
 */
class RevocationTest {

    private static final long YEAR_AFTER_T0 = TestKeys.VALID_UNTIL.toEpochMilli();

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");
    private final SigningProbe web02 = SigningProbe.ed25519("web-02");

    static BigInteger serialOf(byte[] der) {
        try {
            return ((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der))).getSerialNumber();
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RevokeCertificate probeRevocation(byte[] certificate) {
        return new RevokeCertificate(serialOf(certificate), CertificateKind.PROBE, YEAR_AFTER_T0, "key stolen");
    }

    @Test
    void aRevokedProbesEventsAreRefusedFromTheNextCommandOnAndItsEarlierEventsStay() {
        byte[] web01Certificate = web01.certificate();
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        accepted(sm.applyOrdered(channel("host.log", ChannelClass.CFT_NO_U), at(0)));
        for (String tag : new String[] {"host.cpu", "host.log"}) {
            accepted(sm.applyOrdered(new RegisterProbe(tag, web01Certificate), at(0)));
            accepted(sm.applyOrdered(new RegisterProbe(tag, web02.certificate()), at(0)));
        }
        appended(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(1))));

        assertThat(accepted(sm.applyOrdered(probeRevocation(web01Certificate), at(2))).detail())
                .contains("PROBE certificate " + serialOf(web01Certificate).toString(16) + " revoked");

        EventOutcome.Refused refusal = refused(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 2)),
                at(3))), RejectReason.CERTIFICATE_REVOKED);
        assertThat(refusal.detail()).contains("web-01").contains(serialOf(web01Certificate).toString(16));
        assertEventsRefusedWithoutChange(sm, config, publish("host.cpu", web01.signedBytes("host.cpu", 3)), at(4),
                RejectReason.CERTIFICATE_REVOKED);
        // the other probe of the channel is untouched, in the same batch too
        var mixed = outcomes(sm.applyOrdered(publish("host.cpu", web02.signedBytes("host.cpu", 1),
                web01.signedBytes("host.cpu", 4)), at(5)));
        appended(mixed.get(0));
        refused(mixed.get(1), RejectReason.CERTIFICATE_REVOKED);
        // unordered channels check the same agreed set
        refused(only(sm.applyUnordered(publish("host.log", web01.signedBytes("host.log", 1)))), RejectReason.CERTIFICATE_REVOKED);
        assertThat(only(sm.applyUnordered(publish("host.log", web02.signedBytes("host.log", 1)))))
                .isInstanceOf(EventOutcome.Queued.class);

        // what was ordered before the revocation stays in the log
        assertThat(sm.events("host.cpu", 0, 10)).extracting(LoggedEvent::probeId).containsExactly("web-01", "web-02");
        ChannelView view = sm.channel("host.cpu").orElseThrow();
        assertThat(view.probeKeys()).extracting(ProbeKeyView::probeId, ProbeKeyView::revoked)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web-01", true), org.assertj.core.groups.Tuple.tuple("web-02", false));
    }

    @Test
    void aRevokedCertificateCannotRegisterAndANewCertificateForTheProbeCan() {
        byte[] revokedCertificate = web01.certificate();
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe("host.cpu", revokedCertificate), at(0)));
        appended(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(1))));
        accepted(sm.applyOrdered(probeRevocation(revokedCertificate), at(2)));

        assertThat(assertRefusedWithoutChange(sm, config, new RegisterProbe("host.cpu", revokedCertificate), at(3),
                RejectReason.CERTIFICATE_REVOKED).detail()).contains("web-01");

        // re-enrolled: a new certificate (same key here) replaces the revoked registration, SEQ history kept
        accepted(sm.applyOrdered(new RegisterProbe("host.cpu", web01.certificate()), at(4)));
        refused(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(5))), RejectReason.SEQ_NOT_INCREASING);
        appended(only(sm.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 2)), at(6))));
        assertThat(sm.channel("host.cpu").orElseThrow().probeKeys().get(0).revoked()).isFalse();
    }

    @Test
    void commandsSignedByARevokedGatewayAreRefusedAndOtherGatewaysGoOn() throws Exception {
        StateMachineConfig signed = config.withSignedCommands(true);
        BrokerStateMachine machine = new BrokerStateMachine(signed);
        byte[] gw1Certificate = gatewayCertificate("gw-1", TestKeys.keyPair("gw-1", SignatureAlgorithm.ED25519));
        CommandSigner gw1 = new CommandSigner(gw1Certificate, TestKeys.keyPair("gw-1", SignatureAlgorithm.ED25519).getPrivate());
        KeyPair gw2Keys = TestKeys.keyPair("gw-2", SignatureAlgorithm.ED25519);
        CommandSigner gw2 = new CommandSigner(gatewayCertificate("gw-2", gw2Keys), gw2Keys.getPrivate());

        assertThat(decode(machine.applyOrdered(gw1.sign(channel("host.cpu", ChannelClass.BFT)), at(0))))
                .isInstanceOf(CommandResult.Accepted.class);
        assertThat(decode(machine.applyOrdered(gw1.sign(channel("host.log", ChannelClass.CFT_NO_NU)), at(0))))
                .isInstanceOf(CommandResult.Accepted.class);
        // any trusted gateway may order a revocation, of another gateway's certificate too
        RevokeCertificate revokeGw1 = new RevokeCertificate(serialOf(gw1Certificate), CertificateKind.GATEWAY,
                TestKeys.VALID_UNTIL.toEpochMilli(), "gateway host compromised");
        assertThat(decode(machine.applyOrdered(gw2.sign(revokeGw1), at(1)))).isInstanceOf(CommandResult.Accepted.class);

        byte[] before = machine.snapshot();
        CommandResult refusedCommand = decode(machine.applyOrdered(gw1.sign(channel("evil", ChannelClass.BFT)), at(2)));
        assertThat(refusedCommand).isInstanceOfSatisfying(CommandResult.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED);
            assertThat(r.detail()).contains("gw-1").contains("is revoked");
        });
        assertUnchangedBut(machine, signed, before, at(2));
        assertThat(machine.channel("evil")).isEmpty();
        // nor may it send around ordering
        assertThat(decode(machine.applyUnordered(gw1.sign(publish("host.log", web01.signedBytes("host.log", 1))))))
                .isInstanceOfSatisfying(CommandResult.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED));
        // nor undo or extend its revocation: it can order nothing at all
        assertThat(decode(machine.applyOrdered(gw1.sign(new Tick()), at(3)))).isInstanceOf(CommandResult.Rejected.class);

        assertThat(decode(machine.applyOrdered(gw2.sign(channel("host.mem", ChannelClass.BFT)), at(4))))
                .isInstanceOf(CommandResult.Accepted.class);
        assertThat(machine.revokedCertificates()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("GATEWAY");
            assertThat(r.serial()).isEqualTo(serialOf(gw1Certificate).toString(16));
            assertThat(r.revokedAtMillis()).isEqualTo(at(1));
            assertThat(r.reason()).isEqualTo("gateway host compromised");
        });
    }

    @Test
    void revokingAgainOrRevokingAnExpiredCertificateChangesNothing() {
        byte[] certificate = web01.certificate();
        accepted(sm.applyOrdered(probeRevocation(certificate), at(1)));
        byte[] before = sm.snapshot();
        assertThat(accepted(sm.applyOrdered(probeRevocation(certificate), at(2))).detail()).contains("already revoked");
        assertUnchangedBut(sm, config, before, at(2));

        before = sm.snapshot();
        RevokeCertificate expired = new RevokeCertificate(BigInteger.valueOf(77), CertificateKind.PROBE, at(1), "");
        assertThat(accepted(sm.applyOrdered(expired, at(3))).detail()).contains("has expired");
        assertUnchangedBut(sm, config, before, at(3));

        assertRefusedWithoutChange(sm, config, new RevokeCertificate(BigInteger.ZERO, CertificateKind.PROBE, YEAR_AFTER_T0, ""),
                at(4), RejectReason.MALFORMED_COMMAND);
        assertThat(sm.revokedCertificates()).hasSize(1);
    }

    @Test
    void theRevokedSetIsBoundedAndExpiredEntriesMakeRoom() {
        StateMachineConfig small = config.withMaxRevokedCertificates(3);
        BrokerStateMachine machine = new BrokerStateMachine(small);
        accepted(machine.applyOrdered(revocation(1, at(60)), at(1)));
        accepted(machine.applyOrdered(revocation(2, YEAR_AFTER_T0), at(1)));
        accepted(machine.applyOrdered(revocation(3, YEAR_AFTER_T0), at(1)));

        assertThat(assertRefusedWithoutChange(machine, small, revocation(4, YEAR_AFTER_T0), at(2),
                RejectReason.REVOCATION_LIMIT_REACHED).detail()).contains("3 revoked unexpired certificates");
        assertThat(machine.revokedCertificates()).extracting(RevokedCertificateView::serial).containsExactly("1", "2", "3");

        // serial 1 expired at 60 s: from then on it is refused as expired, its entry makes room
        accepted(machine.applyOrdered(revocation(4, YEAR_AFTER_T0), at(61)));
        assertThat(machine.revokedCertificates()).extracting(RevokedCertificateView::serial).containsExactly("2", "3", "4");
        // replicas that pruned at the same consensus time agree
        BrokerStateMachine twin = StateFixture.restored(small, machine.snapshot());
        assertThat(twin.digest()).isEqualTo(machine.digest());
    }

    @Test
    void theRevokedSetIsInTheSnapshotAndTheDigestAndSurvivesARestore() {
        byte[] certificate = web01.certificate();
        accepted(sm.applyOrdered(channel("host.cpu", ChannelClass.BFT), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe("host.cpu", certificate), at(0)));
        byte[] withoutRevocations = sm.snapshot();
        assertThat(ByteBuffer.wrap(withoutRevocations).getInt()).as("written as before revocations existed")
                .isEqualTo(0x46534d31);

        BrokerStateMachine ticked = StateFixture.restored(config, withoutRevocations);
        ticked.applyOrdered(new Tick(), at(1));
        accepted(sm.applyOrdered(probeRevocation(certificate), at(1)));
        assertThat(sm.digest()).as("the revocation is agreed state").isNotEqualTo(ticked.digest());
        assertThat(ByteBuffer.wrap(sm.snapshot()).getInt()).isEqualTo(0x46534d32);

        BrokerStateMachine restored = StateFixture.restored(config, sm.snapshot());
        assertThat(restored.digest()).isEqualTo(sm.digest());
        assertThat(restored.snapshot()).isEqualTo(sm.snapshot());
        assertThat(restored.revokedCertificates()).isEqualTo(sm.revokedCertificates());
        refused(only(restored.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(2))),
                RejectReason.CERTIFICATE_REVOKED);

        // a snapshot without revocations (the format earlier builds wrote) restores with an empty set
        BrokerStateMachine old = StateFixture.restored(config, withoutRevocations);
        assertThat(old.revokedCertificates()).isEmpty();
        appended(only(old.applyOrdered(publish("host.cpu", web01.signedBytes("host.cpu", 1)), at(2))));
        // and restoring one into a machine that had revocations clears them
        restored.restore(withoutRevocations);
        assertThat(restored.revokedCertificates()).isEmpty();
    }

    @Test
    void aRevocationSurvivesItsCodecAndSignedCommandsLikeAnyOther() {
        byte[] certificate = web01.certificate();
        RevokeCertificate revocation = probeRevocation(certificate);
        assertThat(CommandCodec.decode(CommandCodec.encode(revocation))).isEqualTo(revocation);
        CommandResult result = ResultCodec.decode(sm.applyOrdered(CommandCodec.encode(revocation), at(1)));
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        assertThat(sm.revokedCertificates()).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("PROBE");
            assertThat(r.notAfterMillis()).isEqualTo(YEAR_AFTER_T0);
            assertThat(r.reason()).isEqualTo("key stolen");
        });
    }

    private static RevokeCertificate revocation(long serial, long notAfterMillis) {
        return new RevokeCertificate(BigInteger.valueOf(serial), CertificateKind.PROBE, notAfterMillis, "test");
    }

    private static CommandResult decode(byte[] result) {
        return ResultCodec.decode(result);
    }

    private static byte[] gatewayCertificate(String name, KeyPair keys) throws Exception {
        Instant from = TestKeys.VALID_FROM;
        return TestKeys.CA.issueGatewayCertificate(name, keys.getPublic(), from, from.plus(Duration.ofDays(400))).getEncoded();
    }
}
