package fitmon.benchmarks;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.concurrent.TimeUnit;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of checking one event signature, single-threaded: each algorithm over the RFC 8785 bytes
 * of the DESIGN.md example envelope, and the pieces of the replica's per-event path around it
 * (envelope parsing, canonicalisation, canonicalisation + verification).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class SignatureVerificationBenchmark {

    private Event ed25519Event;
    private byte[] message;
    private byte[] envelopeJson;

    private VerificationKey ed25519Key;
    private PublicKey ed25519JdkKey;
    private byte[] ed25519Signature;

    private VerificationKey es256Key;
    private byte[] es256Signature;

    private VerificationKey rs256Key;
    private byte[] rs256Signature;

    @Setup
    public void setUp() throws Exception {
        Event unsigned = Fixtures.exampleEvent();
        message = CanonicalJson.signingBytes(unsigned);

        KeyPair ed = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        MessageSigner edSigner = new MessageSigner(SignatureAlgorithm.ED25519, ed.getPrivate());
        ed25519Event = EventSigning.sign(unsigned, edSigner);
        ed25519Signature = ed25519Event.sig().bytes();
        ed25519Key = VerificationKey.of(ed.getPublic());
        ed25519JdkKey = ed.getPublic();
        envelopeJson = EventJson.toBytes(ed25519Event);

        KeyPair ec = MessageSigner.generateKeyPair(SignatureAlgorithm.ES256);
        es256Signature = new MessageSigner(SignatureAlgorithm.ES256, ec.getPrivate()).sign(message);
        es256Key = VerificationKey.of(ec.getPublic());

        KeyPair rsa = MessageSigner.generateKeyPair(SignatureAlgorithm.RS256);
        rs256Signature = new MessageSigner(SignatureAlgorithm.RS256, rsa.getPrivate()).sign(message);
        rs256Key = VerificationKey.of(rsa.getPublic());

        // A benchmark of a failing verification would measure the wrong thing: check every path.
        require(verifyEd25519Bc(), "BouncyCastle Ed25519");
        require(verifyEd25519Jdk(), "JDK Ed25519");
        require(verifyEs256(), "ES256");
        require(verifyRs256(), "RS256");
        require(verifyEventEd25519() == EventSigning.Verdict.VALID, "EventSigning.verify");
        require(EventJson.parse(envelopeJson).equals(ed25519Event), "EventJson.parse round trip");
        require(java.util.Arrays.equals(Fixtures.signEd25519(unsigned, bcKey(ed)).sig().bytes(), ed25519Signature),
                "BouncyCastle and JDK Ed25519 signatures are identical");
        System.out.printf("%nsigned message: %d canonical bytes; envelope JSON: %d bytes%n",
                message.length, envelopeJson.length);
    }

    private static org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters bcKey(KeyPair ed) {
        byte[] seed = ((java.security.interfaces.EdECPrivateKey) ed.getPrivate()).getBytes().orElseThrow();
        return new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark fixture broken: " + what + " does not verify");
        }
    }

    /** Ed25519 through our VerificationKey (BouncyCastle's Ed25519Signer inside). */
    @Benchmark
    public boolean verifyEd25519Bc() {
        return ed25519Key.verify(SignatureAlgorithm.ED25519, message, ed25519Signature);
    }

    /** Ed25519 through the plain JDK provider, a new Signature per call as VerificationKey does for ES/RS. */
    @Benchmark
    public boolean verifyEd25519Jdk() throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(ed25519JdkKey);
        verifier.update(message);
        return verifier.verify(ed25519Signature);
    }

    /** ECDSA P-256 / SHA-256 (JWS r||s form) through VerificationKey (JDK SunEC). */
    @Benchmark
    public boolean verifyEs256() {
        return es256Key.verify(SignatureAlgorithm.ES256, message, es256Signature);
    }

    /** RSA 2048 PKCS#1 v1.5 / SHA-256 through VerificationKey (JDK SunRsaSign). */
    @Benchmark
    public boolean verifyRs256() {
        return rs256Key.verify(SignatureAlgorithm.RS256, message, rs256Signature);
    }

    /** What the state machine calls per signed event: JCS of the envelope without sig, then Ed25519. */
    @Benchmark
    public EventSigning.Verdict verifyEventEd25519() {
        return EventSigning.verify(ed25519Event, ed25519Key);
    }

    /** RFC 8785 signing bytes of a parsed event alone (Jackson tree to string, then JCS). */
    @Benchmark
    public byte[] canonicalSigningBytes() {
        return CanonicalJson.signingBytes(ed25519Event);
    }

    /** Strict parsing of the envelope JSON as published (the replica's first step per event). */
    @Benchmark
    public Event parseEnvelope() throws MalformedEventException {
        return EventJson.parse(envelopeJson);
    }
}
