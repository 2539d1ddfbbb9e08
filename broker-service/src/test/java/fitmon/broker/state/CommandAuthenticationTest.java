package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.Publish;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.SignedCommand;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

/** With signed commands required, only commands signed by a CA-certified gateway, once, take effect. */
class CommandAuthenticationTest {

    private final StateMachineConfig config = StateFixture.config().withSignedCommands(true);
    private final BrokerStateMachine sm = new BrokerStateMachine(config);
    private final KeyPair gatewayKeys = TestKeys.keyPair("gateway", SignatureAlgorithm.ED25519);
    private final CommandSigner gateway = signer(TestKeys.CA, "gw-1", gatewayKeys, TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
    private final byte[] create = CommandCodec.encode(channel("host.cpu", ChannelClass.BFT));

    private static CommandSigner signer(CertificateAuthority ca, String name, KeyPair keys, Instant from, Instant until) {
        try {
            return new CommandSigner(ca.issueGatewayCertificate(name, keys.getPublic(), from, until).getEncoded(),
                    keys.getPrivate());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private CommandResult ordered(byte[] bytes, double seconds) {
        return ResultCodec.decode(sm.applyOrdered(bytes, at(seconds)));
    }

    /** Applies, and checks the agreed state moved by nothing but the command count and time. */
    private CommandResult refusedWithoutChange(byte[] bytes, double seconds) {
        byte[] before = sm.snapshot();
        CommandResult result = ordered(bytes, seconds);
        StateFixture.assertUnchangedBut(sm, config, before, at(seconds));
        return result;
    }

    private static void refusedAs(CommandResult result, RejectReason reason, String detail) {
        assertThat(result).isInstanceOfSatisfying(CommandResult.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).contains(detail);
        });
    }

    @Test
    void aCommandSignedByACertifiedGatewayTakesEffect() {
        assertThat(ordered(gateway.sign(create), 1)).isInstanceOf(CommandResult.Accepted.class);
        assertThat(sm.channel("host.cpu")).isPresent();
    }

    @Test
    void gatewaySignaturesCheckedAheadOfOrderingGiveTheVerdictsOfACheckAtExecution() {
        PrecomputedVerdicts verdicts = new PrecomputedVerdicts(16);
        BrokerStateMachine ahead = new BrokerStateMachine(config, verdicts);
        KeyPair other = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        byte[] genuine = gateway.sign(create);
        SignedCommand decoded = SignedCommand.decode(genuine);
        byte[] forged = new CommandSigner(decoded.certificate(), other.getPrivate()).sign(create);
        for (byte[] command : new byte[][] {forged, genuine}) {
            SignedCommand signed = SignedCommand.decode(command);
            ahead.certifiedGatewayKey(signed.certificate())
                    .ifPresent(key -> verdicts.precomputeCommand(key, signed.signingBytes(), signed.signature()));
        }
        assertThat(verdicts.size()).as("both verdicts computed ahead").isEqualTo(2);

        refusedAs(ResultCodec.decode(ahead.applyOrdered(forged, at(1))), RejectReason.COMMAND_UNAUTHENTICATED, "does not verify");
        assertThat(ResultCodec.decode(ahead.applyOrdered(genuine, at(2)))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(verdicts.size()).as("each verdict looked up once, at execution").isZero();
        assertThat(ahead.certifiedGatewayKey(probeCertificate(gatewayKeys))).as("a probe certificate names no gateway").isEmpty();
        assertThat(new BrokerStateMachine(StateMachineConfig.defaults(null)).certifiedGatewayKey(decoded.certificate()))
                .as("without a CA no gateway is certified").isEmpty();
    }

    @Test
    void commandVerdictsComputedAheadAreBounded() {
        PrecomputedVerdicts verdicts = new PrecomputedVerdicts(2);
        BrokerStateMachine ahead = new BrokerStateMachine(config, verdicts);
        for (int i = 0; i < 3; i++) {
            SignedCommand signed = SignedCommand.decode(gateway.sign(create));
            ahead.certifiedGatewayKey(signed.certificate())
                    .ifPresent(key -> verdicts.precomputeCommand(key, signed.signingBytes(), signed.signature()));
        }
        assertThat(verdicts.size()).as("full at 2: forgotten, then the third remembered").isEqualTo(1);
        assertThat(verdicts.verifiedAhead()).isEqualTo(3);
    }

    @Test
    void everythingElseIsRefusedAndChangesNothingButTime() {
        refusedAs(refusedWithoutChange(create, 1), RejectReason.COMMAND_UNAUTHENTICATED, "commands must be signed by a gateway");
        refusedAs(refusedWithoutChange(signer(TestKeys.ROGUE_CA, "gw-1", gatewayKeys, TestKeys.VALID_FROM, TestKeys.VALID_UNTIL)
                .sign(create), 2), RejectReason.COMMAND_UNAUTHENTICATED, "not issued by the fitmon CA");
        refusedAs(refusedWithoutChange(signer(TestKeys.CA, "gw-1", gatewayKeys, TestKeys.T0.plus(Duration.ofDays(1)), TestKeys.VALID_UNTIL)
                .sign(create), 3), RejectReason.COMMAND_UNAUTHENTICATED, "not valid yet");
        // a probe certificate does not make a gateway
        byte[] probeCert = probeCertificate(gatewayKeys);
        refusedAs(refusedWithoutChange(new CommandSigner(probeCert, gatewayKeys.getPrivate()).sign(create), 4),
                RejectReason.COMMAND_UNAUTHENTICATED, "not a gateway certificate");
        // the gateway's certificate with somebody else's signature
        KeyPair other = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        byte[] certificate = SignedCommand.decode(gateway.sign(create)).certificate();
        refusedAs(refusedWithoutChange(new CommandSigner(certificate, other.getPrivate()).sign(create), 5),
                RejectReason.COMMAND_UNAUTHENTICATED, "does not verify");
        // altered after signing
        SignedCommand genuine = SignedCommand.decode(gateway.sign(create));
        byte[] altered = new SignedCommand(genuine.certificate(), genuine.nonce() + 1, genuine.command(), genuine.signature()).encode();
        refusedAs(refusedWithoutChange(altered, 6), RejectReason.COMMAND_UNAUTHENTICATED, "does not verify");
        assertThat(sm.channels()).isEmpty();
    }

    @Test
    void aReplayedCommandIsRefusedEvenAfterASnapshotRestore() {
        byte[] signed = gateway.sign(create);
        assertThat(ordered(signed, 1)).isInstanceOf(CommandResult.Accepted.class);
        refusedAs(refusedWithoutChange(signed, 2), RejectReason.COMMAND_REPLAYED, "already accepted");
        BrokerStateMachine restored = StateFixture.restored(config, sm.snapshot());
        refusedAs(ResultCodec.decode(restored.applyOrdered(signed, at(3))), RejectReason.COMMAND_REPLAYED, "already accepted");
        // nonces travel independently per gateway; a later nonce is fine
        assertThat(ResultCodec.decode(restored.applyOrdered(gateway.sign(CommandCodec.encode(
                new fitmon.core.command.DeleteChannel("host.cpu"))), at(4)))).isInstanceOf(CommandResult.Accepted.class);
    }

    @Test
    void theUnorderedPathIsAuthenticatedToo() {
        assertThat(ordered(gateway.sign(CommandCodec.encode(channel("host.log", ChannelClass.CFT_NO_NU))), 1))
                .isInstanceOf(CommandResult.Accepted.class);
        byte[] publish = CommandCodec.encode(new Publish("host.log", java.util.List.of(new byte[] {'{', '}'})));
        refusedAs(ResultCodec.decode(sm.applyUnordered(publish)), RejectReason.COMMAND_UNAUTHENTICATED, "signed by a gateway");
        byte[] signed = gateway.sign(publish);
        assertThat(ResultCodec.decode(sm.applyUnordered(signed))).isInstanceOf(CommandResult.Published.class);
        refusedAs(ResultCodec.decode(sm.applyUnordered(signed)), RejectReason.COMMAND_REPLAYED, "already accepted");
    }

    @Test
    void withoutACaNoGatewayIsTrusted() {
        BrokerStateMachine noCa = new BrokerStateMachine(new StateMachineConfig(null, 4096, 10, 10, 100, 10_000, true));
        refusedAs(ResultCodec.decode(noCa.applyOrdered(gateway.sign(create), at(1))), RejectReason.COMMAND_UNAUTHENTICATED,
                "no fitmon CA key");
    }

    private static byte[] probeCertificate(KeyPair keys) {
        try {
            return TestKeys.CA.issueProbeCertificate("gw-1", keys.getPublic(), TestKeys.VALID_FROM, TestKeys.VALID_UNTIL)
                    .getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
