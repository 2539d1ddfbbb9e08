package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;

import fitmon.broker.replication.BrokerMetrics;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.replication.OrderContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** What the replica shell verifies ahead of ordering, and what it refuses to spend work on. */
class PrepareAheadTest {

    private final StateMachineConfig config = StateFixture.config().withSignedCommands(true);
    private final PrecomputedVerdicts verdicts = new PrecomputedVerdicts(1000);
    private final BrokerStateMachine sm = new BrokerStateMachine(config, verdicts);
    private final ReplicatedBroker broker = new ReplicatedBroker(sm, verdicts, new BrokerMetrics(new SimpleMeterRegistry()));
    private final SigningProbe probe = SigningProbe.ed25519("web-01");
    private final KeyPair gatewayKeys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
    private final CommandSigner gateway = signer(gatewayKeys);

    private static CommandSigner signer(KeyPair keys) {
        try {
            return new CommandSigner(TestKeys.CA.issueGatewayCertificate("gw-1", keys.getPublic(), TestKeys.VALID_FROM,
                    TestKeys.VALID_UNTIL).getEncoded(), keys.getPrivate());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] publishOfThree(long firstSeq) {
        return CommandCodec.encode(StateFixture.publish("host.cpu", probe.signedBytes("host.cpu", firstSeq),
                probe.signedBytes("host.cpu", firstSeq + 1), probe.signedBytes("host.cpu", firstSeq + 2)));
    }

    @Test
    void aCommandNoCertifiedGatewaySignedCostsNoEventVerification() {
        StateFixture.channelWithProbes(sm, channel("host.cpu", ChannelClass.BFT), probe);

        broker.prepare(publishOfThree(1));
        assertThat(verdicts.size()).as("a bare command: nothing verified").isZero();

        byte[] certificate = fitmon.core.command.SignedCommand.decode(gateway.sign(publishOfThree(1))).certificate();
        KeyPair thief = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        broker.prepare(new CommandSigner(certificate, thief.getPrivate()).sign(publishOfThree(1)));
        assertThat(verdicts.size()).as("a gateway certificate with another key's signature: only that signature checked")
                .isEqualTo(1);

        byte[] genuine = gateway.sign(publishOfThree(1));
        broker.prepare(genuine);
        assertThat(verdicts.size()).as("a genuine command: its signature and its three events").isEqualTo(5);
        broker.prepare(genuine.clone());
        assertThat(verdicts.size()).as("the same request again is not prepared twice").isEqualTo(5);

        CommandResult result = ResultCodec.decode(broker.executeOrdered(genuine, new OrderContext(1, 0, at(1))));
        assertThat(((CommandResult.Published) result).outcomes()).allMatch(o -> o instanceof EventOutcome.Appended);
        assertThat(verdicts.size()).as("the genuine command's verdicts were the ones used").isEqualTo(1);
    }

    @Test
    void aBatchSignedPublishCostsOneEventSignatureCheckAndEachEventIsStillJudged() {
        StateFixture.channelWithProbes(sm, channel("host.cpu", ChannelClass.BFT), probe);
        java.util.List<byte[]> events = new java.util.ArrayList<>(probe.batchSignedBytes("host.cpu", 1, 50));
        events.set(10, fitmon.core.event.EventJson.toBytes(SigningProbe.tampered(parse(events.get(10)))));
        byte[] command = gateway.sign(CommandCodec.encode(new fitmon.core.command.Publish("host.cpu", events)));

        broker.prepare(command);
        assertThat(verdicts.verifiedAhead())
                .as("the gateway's signature, the batch's once, and the changed event's (its path leads to another root)")
                .isEqualTo(3);
        CommandResult result = ResultCodec.decode(broker.executeOrdered(command, new OrderContext(1, 0, at(1))));

        java.util.List<EventOutcome> outcomes = ((CommandResult.Published) result).outcomes();
        assertThat(outcomes.get(10)).as("the changed event fails its own path")
                .isInstanceOfSatisfying(EventOutcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(fitmon.core.command.RejectReason.SIGNATURE_INVALID));
        assertThat(outcomes.stream().filter(o -> o instanceof EventOutcome.Appended)).hasSize(49);
        assertThat(verdicts.verifiedAtExecution()).as("nothing verified again at execution").isZero();
    }

    private static fitmon.core.event.Event parse(byte[] bytes) {
        try {
            return fitmon.core.event.EventJson.parse(bytes);
        } catch (fitmon.core.event.MalformedEventException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unorderedPublishesAreVerifiedBeforeTheLockAndStillJudgedOnTheirOwn() {
        StateFixture.channelWithProbes(sm, channel("host.net", ChannelClass.CFT_NO_NU), probe);
        byte[] command = gateway.sign(CommandCodec.encode(StateFixture.publish("host.net", probe.signedBytes("host.net", 1))));
        CommandResult result = ResultCodec.decode(broker.executeUnordered(command));
        assertThat(((CommandResult.Published) result).outcomes()).singleElement().isInstanceOf(EventOutcome.Queued.class);
        assertThat(verdicts.size()).as("every verdict computed ahead was used").isZero();
        assertThat(ResultCodec.decode(broker.executeUnordered(new byte[] {1, 2, 3})))
                .isInstanceOf(CommandResult.Rejected.class);
    }
    @Test
    void eachEventIsParsedAndCanonicalisedOnceAheadAndLoggedFromThatWork() throws Exception {
        StateFixture.channelWithProbes(sm, channel("host.cpu", ChannelClass.BFT), probe);
        byte[] command = gateway.sign(publishOfThree(1));

        broker.prepare(command);
        broker.executeOrdered(command, new OrderContext(1, 0, at(1)));

        assertThat(verdicts.parsedAtExecution()).as("no event parsed again at execution").isZero();
        assertThat(verdicts.verifiedAtExecution()).isZero();
        java.util.List<LoggedEvent> logged = sm.events("host.cpu", 1, 10);
        assertThat(logged).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(logged.get(i).envelope()).as("the canonical envelope of event %d", i)
                    .isEqualTo(fitmon.core.event.CanonicalJson.envelopeBytes(parse(probe.signedBytes("host.cpu", 1 + i))));
        }
    }

    @Test
    void anEventThatOnlySharesAHashWithAPreparedOneIsJudgedOnItsOwnBytes() {
        StateFixture.channelWithProbes(sm, channel("host.cpu", ChannelClass.BFT), probe);
        fitmon.core.event.Event genuine = parse(probe.signedBytesOfAbout("host.cpu", 1, 0));
        // "Aa" and "BB" have the same 31-based hash, so these envelopes differ in two bytes and hash alike
        byte[] prepared = withNote(genuine, "Aa", true);
        byte[] forged = withNote(genuine, "BB", false);
        assertThat(java.util.Arrays.hashCode(forged)).isEqualTo(java.util.Arrays.hashCode(prepared));
        assertThat(forged).isNotEqualTo(prepared);

        verdicts.precompute(prepared, event -> sm.registeredKey("host.cpu", event.probeId()));
        byte[] command = gateway.sign(CommandCodec.encode(StateFixture.publish("host.cpu", forged)));
        CommandResult result = ResultCodec.decode(broker.executeOrdered(command, new OrderContext(1, 0, at(1))));

        assertThat(((CommandResult.Published) result).outcomes()).singleElement()
                .isInstanceOfSatisfying(EventOutcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(fitmon.core.command.RejectReason.SIGNATURE_INVALID));
        assertThat(verdicts.parsedAtExecution()).isEqualTo(1);
    }

    /** The event with a {@code note} in its data, signed over it or (forged) keeping the signature of "Aa". */
    private byte[] withNote(fitmon.core.event.Event event, String note, boolean sign) {
        tools.jackson.databind.node.ObjectNode data = ((tools.jackson.databind.node.ObjectNode) event.data()).deepCopy();
        data.put("note", note);
        fitmon.core.event.Event plain = new fitmon.core.event.Event(event.probeId(), event.tag(), event.seq(), event.ts(),
                data, null);
        fitmon.core.event.Event signedAa = probe.sign(new fitmon.core.event.Event(event.probeId(), event.tag(), event.seq(),
                event.ts(), data.deepCopy().put("note", "Aa"), null));
        return fitmon.core.event.EventJson.toBytes(sign ? probe.sign(plain) : plain.withSignature(signedAa.sig()));
    }

    @Test
    void eventsPreparedAheadAreBoundedByTheirBytes() {
        PrecomputedVerdicts bounded = new PrecomputedVerdicts(100_000);
        int eventBytes = 64 * 1024;
        long maxHeld = PrecomputedVerdicts.MAX_PREPARED_BYTES / eventBytes + 1;
        for (int seq = 1; seq <= 3 * maxHeld; seq++) {
            bounded.precompute(probe.signedBytesOfAbout("host.cpu", seq, eventBytes), event -> java.util.Optional.empty());
            assertThat(bounded.size()).as("events held after %d prepared", seq).isLessThanOrEqualTo((int) maxHeld);
        }
    }
}
