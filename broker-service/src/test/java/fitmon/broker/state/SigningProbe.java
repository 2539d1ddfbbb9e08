package fitmon.broker.state;

import java.security.KeyPair;
import java.time.Instant;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSignature;
import fitmon.core.event.EventSigning;
import fitmon.core.pki.CertificateAuthority;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A test probe: an id, a real key pair and signer, certificates for that key, and envelopes it
 * signs. Sequence numbers are always passed explicitly so tests say which SEQ they mean.
 */
public final class SigningProbe {

    final String probeId;
    final SignatureAlgorithm algorithm;
    /** Names the key pair: probes built with the same name share it. */
    final String keyName;
    final KeyPair keys;
    private final MessageSigner signer;

    SigningProbe(String probeId, SignatureAlgorithm algorithm) {
        this(probeId, algorithm, probeId);
    }

    /** A probe whose key is shared with every other probe built with the same {@code keyName}. */
    SigningProbe(String probeId, SignatureAlgorithm algorithm, String keyName) {
        this.probeId = probeId;
        this.algorithm = algorithm;
        this.keyName = keyName;
        this.keys = TestKeys.keyPair(keyName, algorithm);
        this.signer = new MessageSigner(algorithm, keys.getPrivate());
    }

    public static SigningProbe ed25519(String probeId) {
        return new SigningProbe(probeId, SignatureAlgorithm.ED25519);
    }

    /** A certificate from the test CA, valid from a day before T0 to a year after. */
    public byte[] certificate() {
        return certificate(TestKeys.CA, TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
    }

    byte[] certificate(Instant notBefore, Instant notAfter) {
        return certificate(TestKeys.CA, notBefore, notAfter);
    }

    byte[] certificate(CertificateAuthority ca, Instant notBefore, Instant notAfter) {
        return TestKeys.certificate(ca, probeId, keys.getPublic(), notBefore, notAfter);
    }

    /** The unsigned envelope for {@code seq} on {@code tag}. */
    Event unsigned(String tag, long seq) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("load1", (seq % 100) / 100.0);
        data.put("n", seq);
        return new Event(probeId, tag, seq, Instant.ofEpochMilli(TestKeys.T0_MS + seq).toString(), data, null);
    }

    Event signed(String tag, long seq) {
        return sign(unsigned(tag, seq));
    }

    Event sign(Event event) {
        return EventSigning.sign(event, signer);
    }

    /** Envelope bytes as the probe would send them, signed. */
    public byte[] signedBytes(String tag, long seq) {
        return EventJson.toBytes(signed(tag, seq));
    }

    /** Envelope bytes of SEQs {@code firstSeq} .. {@code firstSeq + count - 1}, signed as one batch. */
    public java.util.List<byte[]> batchSignedBytes(String tag, long firstSeq, int count) {
        java.util.List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(unsigned(tag, firstSeq + i));
        }
        return EventSigning.signBatch(events, signer).stream().map(EventJson::toBytes).toList();
    }

    /** A signed envelope whose data carries {@code padding} more characters: for tests of byte bounds. */
    public byte[] signedBytesOfAbout(String tag, long seq, int padding) {
        Event plain = unsigned(tag, seq);
        ((ObjectNode) plain.data()).put("pad", "x".repeat(padding));
        return EventJson.toBytes(sign(plain));
    }

    byte[] unsignedBytes(String tag, long seq) {
        return EventJson.toBytes(unsigned(tag, seq));
    }

    /** Signed, then its data changed: the signature no longer covers it. */
    byte[] tamperedBytes(String tag, long seq) {
        return EventJson.toBytes(tampered(signed(tag, seq)));
    }

    /** Signed correctly but labelled with another algorithm. */
    byte[] relabelledBytes(String tag, long seq, String alg) {
        return EventJson.toBytes(relabelled(signed(tag, seq), alg));
    }

    /** The event with its data changed and its signature kept. */
    static Event tampered(Event signed) {
        ObjectNode data = ((ObjectNode) signed.data()).deepCopy();
        data.put("load1", 99.0);
        return new Event(signed.probeId(), signed.tag(), signed.seq(), signed.ts(), data, signed.sig());
    }

    /** The event with its signature value under another algorithm name. */
    static Event relabelled(Event signed, String alg) {
        return signed.withSignature(new EventSignature(alg, signed.sig().value()));
    }

    /** An event claiming to be {@code victim}'s, signed with this probe's key. */
    byte[] forgedAs(SigningProbe victim, String tag, long seq) {
        return EventJson.toBytes(sign(victim.unsigned(tag, seq)));
    }

    /** A signed event whose data is padded to make the envelope about {@code approxBytes} long. */
    byte[] paddedBytes(String tag, long seq, int approxBytes) {
        Event base = unsigned(tag, seq);
        ObjectNode data = ((ObjectNode) base.data()).deepCopy();
        data.put("pad", "x".repeat(Math.max(0, approxBytes - 200)));
        return EventJson.toBytes(sign(new Event(probeId, tag, seq, base.ts(), data, null)));
    }
}
