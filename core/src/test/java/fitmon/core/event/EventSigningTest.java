package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

class EventSigningTest {

    private static Event unsigned() throws Exception {
        return EventJson.parse("{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":17,"
                + "\"ts\":\"2026-11-23T02:31:45.123Z\",\"data\":{\"load1\":0.42}}");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signedEventsVerifyAndAnyChangeBreaksThem(SignatureAlgorithm alg) throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(alg);
        VerificationKey key = VerificationKey.of(keys.getPublic());
        Event signed = EventSigning.sign(unsigned(), new MessageSigner(alg, keys.getPrivate()));
        assertThat(signed.sig().alg()).isEqualTo(alg.envelopeName());
        assertThat(EventSigning.verify(signed, key)).isEqualTo(EventSigning.Verdict.VALID);
        // survives a trip through JSON
        assertThat(EventSigning.verify(EventJson.parse(EventJson.toBytes(signed)), key)).isEqualTo(EventSigning.Verdict.VALID);

        ObjectNode data = ((ObjectNode) signed.data()).deepCopy();
        data.put("load1", 0.43);
        assertThat(EventSigning.verify(new Event(signed.probeId(), signed.tag(), signed.seq(), signed.ts(), data, signed.sig()), key))
                .isEqualTo(EventSigning.Verdict.INVALID);
        assertThat(EventSigning.verify(new Event(signed.probeId(), signed.tag(), 18, signed.ts(), signed.data(), signed.sig()), key))
                .isEqualTo(EventSigning.Verdict.INVALID);
        assertThat(EventSigning.verify(new Event("web-02", signed.tag(), signed.seq(), signed.ts(), signed.data(), signed.sig()), key))
                .isEqualTo(EventSigning.Verdict.INVALID);
        assertThat(EventSigning.verify(new Event(signed.probeId(), "host.mem", signed.seq(), signed.ts(), signed.data(), signed.sig()), key))
                .isEqualTo(EventSigning.Verdict.INVALID);
        assertThat(EventSigning.verify(new Event(signed.probeId(), signed.tag(), signed.seq(), "2026-11-23T02:31:46Z", signed.data(), signed.sig()), key))
                .isEqualTo(EventSigning.Verdict.INVALID);
        // another probe's key of the same type
        VerificationKey other = VerificationKey.of(MessageSigner.generateKeyPair(alg).getPublic());
        assertThat(EventSigning.verify(signed, other)).isEqualTo(EventSigning.Verdict.INVALID);
    }

    @Test
    void es256SignaturesAreRawRAndS() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ES256);
        Event signed = EventSigning.sign(unsigned(), new MessageSigner(SignatureAlgorithm.ES256, keys.getPrivate()));
        assertThat(signed.sig().bytes()).hasSize(64);
    }

    @Test
    void verdictsNameTheProblem() throws Exception {
        KeyPair ed = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        VerificationKey edKey = VerificationKey.of(ed.getPublic());
        assertThat(EventSigning.verify(unsigned(), edKey)).isEqualTo(EventSigning.Verdict.UNSIGNED);
        Event relabelled = unsigned().withSignature(new EventSignature("ES256", "AAAA"));
        assertThat(EventSigning.verify(relabelled, edKey)).isEqualTo(EventSigning.Verdict.WRONG_KEY_TYPE);
        Event hmac = unsigned().withSignature(new EventSignature("HS256", "AAAA"));
        assertThat(EventSigning.verify(hmac, edKey)).isEqualTo(EventSigning.Verdict.UNKNOWN_ALGORITHM);
        Event garbage = unsigned().withSignature(new EventSignature("Ed25519", "AAAA"));
        assertThat(EventSigning.verify(garbage, edKey)).isEqualTo(EventSigning.Verdict.INVALID);
    }

    @Test
    void keysAreCheckedWhenParsed() throws Exception {
        assertThatThrownBy(() -> VerificationKey.fromSpki(new byte[] {1, 2, 3})).hasMessageContaining("SubjectPublicKeyInfo");
        java.security.KeyPairGenerator p384 = java.security.KeyPairGenerator.getInstance("EC");
        p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        assertThatThrownBy(() -> VerificationKey.of(p384.generateKeyPair().getPublic())).hasMessageContaining("P-256");
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThatThrownBy(() -> VerificationKey.of(rsa.generateKeyPair().getPublic())).hasMessageContaining("2048");
        KeyPair ed = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        assertThatThrownBy(() -> new MessageSigner(SignatureAlgorithm.RS256, ed.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
