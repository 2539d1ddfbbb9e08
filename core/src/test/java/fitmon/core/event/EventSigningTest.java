package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.EventSigning.Verdict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class EventSigningTest {

    /** Two key pairs per algorithm: a probe's and another probe's. RSA generation is slow, so once. */
    private static final Map<SignatureAlgorithm, KeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);
    private static final Map<SignatureAlgorithm, KeyPair> OTHER_KEYS = new EnumMap<>(SignatureAlgorithm.class);

    @BeforeAll
    static void keys() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            KEYS.put(alg, MessageSigner.generateKeyPair(alg));
            OTHER_KEYS.put(alg, MessageSigner.generateKeyPair(alg));
        }
    }

    private static Event unsigned() throws Exception {
        return EventJson.parse("{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":17,"
                + "\"ts\":\"2026-11-23T02:31:45.123Z\",\"data\":{\"load1\":0.42,\"disk\":{\"sda\":[1,2]}}}");
    }

    private static Event sign(SignatureAlgorithm alg) throws Exception {
        return EventSigning.sign(unsigned(), new MessageSigner(alg, KEYS.get(alg).getPrivate()));
    }

    private static VerificationKey key(SignatureAlgorithm alg) throws Exception {
        return VerificationKey.of(KEYS.get(alg).getPublic());
    }

    private static Verdict verify(Event e, SignatureAlgorithm alg) throws Exception {
        return EventSigning.verify(e, key(alg));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signedEventsVerify(SignatureAlgorithm alg) throws Exception {
        Event signed = sign(alg);
        assertThat(signed.sig().alg()).isEqualTo(alg.envelopeName());
        assertThat(signed.sig().value()).doesNotContain("=", "+", "/");
        assertThat(verify(signed, alg)).isEqualTo(Verdict.VALID);
        // signing changes only the signature
        assertThat(signed.withSignature(null)).isEqualTo(unsigned());
        // and survives a trip through JSON, compact or rearranged
        assertThat(verify(EventJson.parse(EventJson.toBytes(signed)), alg)).isEqualTo(Verdict.VALID);
        String rearranged = "{ \"sig\" : {\"value\":\"" + signed.sig().value() + "\",\"alg\":\"" + alg.envelopeName() + "\"},"
                + " \"data\" : {\"disk\":{\"sda\":[1.0,2e0]},\"load1\":42e-2}, \"ts\":\"2026-11-23T02:31:45.123Z\","
                + " \"seq\":17, \"tag\":\"host.cpu\", \"probeId\":\"web-01\" }";
        assertThat(verify(EventJson.parse(rearranged), alg)).isEqualTo(Verdict.VALID);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void anyChangeToASignedMemberBreaksTheSignature(SignatureAlgorithm alg) throws Exception {
        Event s = sign(alg);
        ObjectNode changedValue = ((ObjectNode) s.data()).deepCopy();
        changedValue.put("load1", 0.43);
        ObjectNode added = ((ObjectNode) s.data()).deepCopy();
        added.put("extra", 1);
        ObjectNode removed = ((ObjectNode) s.data()).deepCopy();
        removed.remove("disk");
        ObjectNode nested = ((ObjectNode) s.data()).deepCopy();
        ((ObjectNode) nested.get("disk")).putArray("sda").add(2).add(1);
        ObjectNode retyped = ((ObjectNode) s.data()).deepCopy();
        retyped.put("load1", "0.42");

        for (ObjectNode data : new ObjectNode[] {changedValue, added, removed, nested, retyped}) {
            assertThat(verify(new Event(s.probeId(), s.tag(), s.seq(), s.ts(), data, s.sig()), alg)).as("data %s", data)
                    .isEqualTo(Verdict.INVALID);
        }
        assertThat(verify(new Event(s.probeId(), s.tag(), 18, s.ts(), s.data(), s.sig()), alg)).as("seq").isEqualTo(Verdict.INVALID);
        assertThat(verify(new Event(s.probeId(), s.tag(), s.seq(), "2026-11-23T02:31:45.124Z", s.data(), s.sig()), alg))
                .as("ts").isEqualTo(Verdict.INVALID);
        // the same instant written differently is a different signed text
        assertThat(verify(new Event(s.probeId(), s.tag(), s.seq(), "2026-11-23T02:31:45.1230Z", s.data(), s.sig()), alg))
                .as("ts spelling").isEqualTo(Verdict.INVALID);
        assertThat(verify(new Event("web-02", s.tag(), s.seq(), s.ts(), s.data(), s.sig()), alg)).as("probeId")
                .isEqualTo(Verdict.INVALID);
        assertThat(verify(new Event(s.probeId(), "host.mem", s.seq(), s.ts(), s.data(), s.sig()), alg)).as("tag")
                .isEqualTo(Verdict.INVALID);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aDamagedSignatureIsInvalid(SignatureAlgorithm alg) throws Exception {
        Event s = sign(alg);
        byte[] sig = s.sig().bytes();
        byte[] flipped = sig.clone();
        flipped[flipped.length / 2] ^= 0x01;
        byte[] lastBit = sig.clone();
        lastBit[lastBit.length - 1] ^= (byte) 0x80;
        for (byte[] bad : new byte[][] {flipped, lastBit, Arrays.copyOf(sig, sig.length - 1), Arrays.copyOf(sig, sig.length + 1),
                new byte[0], new byte[sig.length], new byte[1]}) {
            assertThat(verify(s.withSignature(EventSignature.of(alg.envelopeName(), bad)), alg)).as("%d bytes", bad.length)
                    .isEqualTo(Verdict.INVALID);
        }
        // a valid signature of another event
        Event other = EventSigning.sign(new Event(s.probeId(), s.tag(), 18, s.ts(), s.data(), null),
                new MessageSigner(alg, KEYS.get(alg).getPrivate()));
        assertThat(verify(s.withSignature(other.sig()), alg)).isEqualTo(Verdict.INVALID);
        // a value that is not base64url (only constructible in code: the parser refuses it)
        assertThat(verify(s.withSignature(new EventSignature(alg.envelopeName(), "!!")), alg)).isEqualTo(Verdict.INVALID);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aKeyOfAnotherProbeIsInvalid(SignatureAlgorithm alg) throws Exception {
        Event s = sign(alg);
        assertThat(EventSigning.verify(s, VerificationKey.of(OTHER_KEYS.get(alg).getPublic()))).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aKeyOfAnotherAlgorithmIsTheWrongKeyType() throws Exception {
        for (SignatureAlgorithm signedWith : SignatureAlgorithm.values()) {
            Event s = sign(signedWith);
            for (SignatureAlgorithm keyType : SignatureAlgorithm.values()) {
                Verdict expected = signedWith == keyType ? Verdict.VALID : Verdict.WRONG_KEY_TYPE;
                assertThat(verify(s, keyType)).as("%s event, %s key", signedWith, keyType).isEqualTo(expected);
                // relabelling the signature to the key's algorithm does not help
                Event relabelled = s.withSignature(new EventSignature(keyType.envelopeName(), s.sig().value()));
                Verdict relabelledExpected = signedWith == keyType ? Verdict.VALID : Verdict.INVALID;
                assertThat(verify(relabelled, keyType)).as("%s event relabelled %s", signedWith, keyType)
                        .isEqualTo(relabelledExpected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "none", "ed25519", "EdDSA", "ES384", "PS256", "RS512", ""})
    void anUnknownAlgorithmIsNamed(String alg) throws Exception {
        Event e = sign(SignatureAlgorithm.ED25519);
        Event unknown = e.withSignature(new EventSignature(alg, e.sig().value()));
        assertThat(verify(unknown, SignatureAlgorithm.ED25519)).isEqualTo(Verdict.UNKNOWN_ALGORITHM);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void anUnsignedEventIsUnsigned(SignatureAlgorithm alg) throws Exception {
        assertThat(verify(unsigned(), alg)).isEqualTo(Verdict.UNSIGNED);
    }

    @Test
    void signatureSizes() throws Exception {
        // ES256 is the fixed-size r||s (IEEE P1363) form of JWS and WebCrypto, not DER
        for (int i = 0; i < 20; i++) {
            assertThat(sign(SignatureAlgorithm.ES256).sig().bytes()).hasSize(64);
        }
        assertThat(sign(SignatureAlgorithm.ED25519).sig().bytes()).hasSize(64);
        assertThat(sign(SignatureAlgorithm.RS256).sig().bytes()).hasSize(256);
    }

    @Test
    void ed25519SignaturesAreDeterministic() throws Exception {
        assertThat(sign(SignatureAlgorithm.ED25519).sig()).isEqualTo(sign(SignatureAlgorithm.ED25519).sig());
    }

    @Test
    void signingReplacesAnExistingSignature() throws Exception {
        Event es = sign(SignatureAlgorithm.ES256);
        Event resigned = EventSigning.sign(es, new MessageSigner(SignatureAlgorithm.ED25519,
                KEYS.get(SignatureAlgorithm.ED25519).getPrivate()));
        assertThat(resigned.sig().alg()).isEqualTo("Ed25519");
        assertThat(verify(resigned, SignatureAlgorithm.ED25519)).isEqualTo(Verdict.VALID);
        assertThat(resigned.sig()).isEqualTo(sign(SignatureAlgorithm.ED25519).sig());
    }
}
