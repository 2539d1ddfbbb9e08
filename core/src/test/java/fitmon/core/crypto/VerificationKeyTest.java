package fitmon.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VerificationKeyTest {

    private static final byte[] MESSAGE = "{\"data\":{},\"probeId\":\"p\"}".getBytes(StandardCharsets.UTF_8);
    private static final Map<SignatureAlgorithm, KeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);
    private static KeyPair rsa1024;
    private static KeyPair p384;

    @BeforeAll
    static void keys() throws Exception {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            KEYS.put(alg, MessageSigner.generateKeyPair(alg));
        }
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        rsa1024 = rsa.generateKeyPair();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        p384 = ec.generateKeyPair();
    }

    private static byte[] signature(SignatureAlgorithm alg, byte[] message) {
        return new MessageSigner(alg, KEYS.get(alg).getPrivate()).sign(message);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void acceptsEd25519P256AndRsa2048(SignatureAlgorithm alg) throws Exception {
        byte[] spki = KEYS.get(alg).getPublic().getEncoded();
        VerificationKey key = VerificationKey.fromSpki(spki);
        assertThat(key.algorithm()).isEqualTo(alg);
        assertThat(key.spki()).isEqualTo(spki);
        assertThat(VerificationKey.of(KEYS.get(alg).getPublic())).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(key.verify(alg, MESSAGE, signature(alg, MESSAGE))).isTrue();
    }

    @Test
    void keysAreValuesOfTheirBytes() throws Exception {
        VerificationKey a = VerificationKey.of(KEYS.get(SignatureAlgorithm.ED25519).getPublic());
        VerificationKey b = VerificationKey.of(MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isNotEqualTo("not a key");
    }

    @Test
    void theKeyDoesNotShareItsBytes() throws Exception {
        byte[] spki = KEYS.get(SignatureAlgorithm.ED25519).getPublic().getEncoded();
        byte[] original = spki.clone();
        VerificationKey key = VerificationKey.fromSpki(spki);
        spki[spki.length - 1] ^= 1; // the caller's array changes afterwards
        assertThat(key.spki()).isEqualTo(original);
        key.spki()[0] = 0; // and so does a returned copy
        assertThat(key.spki()).isEqualTo(original);
        assertThat(key.verify(SignatureAlgorithm.ED25519, MESSAGE, signature(SignatureAlgorithm.ED25519, MESSAGE))).isTrue();
    }

    @Test
    void refusesGarbage() {
        for (byte[] garbage : new byte[][] {new byte[0], {1, 2, 3}, {0x30, 0x00}, {0x30, (byte) 0x80},
                "-----BEGIN PUBLIC KEY-----".getBytes(StandardCharsets.US_ASCII)}) {
            assertThatThrownBy(() -> VerificationKey.fromSpki(garbage)).as(Arrays.toString(garbage))
                    .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("SubjectPublicKeyInfo");
        }
    }

    @Test
    void refusesTrailingBytes() {
        byte[] spki = KEYS.get(SignatureAlgorithm.ED25519).getPublic().getEncoded();
        byte[] longer = Arrays.copyOf(spki, spki.length + 1);
        assertThatThrownBy(() -> VerificationKey.fromSpki(longer)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void refusesEcKeysOnOtherCurves() {
        assertThatThrownBy(() -> VerificationKey.of(p384.getPublic())).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("P-256");
    }

    @Test
    void refusesRsaKeysShorterThan2048Bits() {
        assertThatThrownBy(() -> VerificationKey.of(rsa1024.getPublic())).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("at least 2048 bits");
    }

    @Test
    void refusesOtherKeyAlgorithms() throws Exception {
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        assertThatThrownBy(() -> VerificationKey.of(ed448.getPublic())).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("unsupported public key algorithm 1.3.101.113");
        KeyPair x25519 = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        assertThatThrownBy(() -> VerificationKey.of(x25519.getPublic())).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("unsupported");
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048);
        assertThatThrownBy(() -> VerificationKey.of(dsa.generateKeyPair().getPublic())).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("unsupported");
    }

    @Test
    void refusesAnEd25519KeyThatIsNotACurvePoint() {
        byte[] spki = KEYS.get(SignatureAlgorithm.ED25519).getPublic().getEncoded();
        assertThat(spki).hasSize(44);
        byte[] notAPoint = spki.clone();
        Arrays.fill(notAPoint, 12, 44, (byte) 0xff); // y = 2^255 - 1 > p: not canonical, not a point
        notAPoint[43] = 0x7f;
        assertThatThrownBy(() -> VerificationKey.fromSpki(notAPoint)).isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("Ed25519");
    }

    @Test
    void refusesAnEd25519KeyWithBitStringPadding() {
        byte[] spki = KEYS.get(SignatureAlgorithm.ED25519).getPublic().getEncoded();
        byte[] padded = spki.clone();
        assertThat(padded[11]).isZero(); // the BIT STRING's unused-bits byte
        padded[11] = 3;
        assertThatThrownBy(() -> VerificationKey.fromSpki(padded)).isInstanceOf(GeneralSecurityException.class);
    }

    /** Hostile key bytes are refused with a checked exception, never with a runtime one. */
    @Test
    void mutatedKeysFailOnlyWithGeneralSecurityException() {
        Random random = new Random(8785);
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            byte[] spki = KEYS.get(alg).getPublic().getEncoded();
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = spki.clone();
                int changes = 1 + random.nextInt(3);
                for (int c = 0; c < changes; c++) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                byte[] candidate = random.nextInt(10) == 0 ? Arrays.copyOf(mutated, random.nextInt(mutated.length)) : mutated;
                try {
                    VerificationKey key = VerificationKey.fromSpki(candidate);
                    assertThat(key.algorithm()).isNotNull();
                } catch (GeneralSecurityException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void verifyReturnsFalseAndNeverThrowsForBadSignatures(SignatureAlgorithm alg) throws Exception {
        VerificationKey key = VerificationKey.of(KEYS.get(alg).getPublic());
        byte[] good = signature(alg, MESSAGE);
        Random random = new Random(alg.ordinal());
        byte[] noise = new byte[good.length];
        random.nextBytes(noise);
        byte[] der = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}; // an ECDSA DER signature, wrong form here
        for (byte[] bad : new byte[][] {null, new byte[0], new byte[1], Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, good.length + 1), Arrays.copyOf(good, good.length * 2), noise, new byte[good.length], der}) {
            assertThatCode(() -> assertThat(key.verify(alg, MESSAGE, bad)).isFalse())
                    .as("%s with %s", alg, bad == null ? "null" : bad.length + " bytes").doesNotThrowAnyException();
        }
        // the right signature over another message
        assertThat(key.verify(alg, "other".getBytes(StandardCharsets.UTF_8), good)).isFalse();
        // the right bytes, another algorithm asked for
        for (SignatureAlgorithm other : SignatureAlgorithm.values()) {
            assertThat(key.verify(other, MESSAGE, good)).as("%s key asked for %s", alg, other).isEqualTo(other == alg);
        }
    }

    @Test
    void es256SignaturesInDerFormAreRefused() throws Exception {
        KeyPair keys = KEYS.get(SignatureAlgorithm.ES256);
        java.security.Signature der = java.security.Signature.getInstance("SHA256withECDSA");
        der.initSign(keys.getPrivate());
        der.update(MESSAGE);
        byte[] derSignature = der.sign();
        VerificationKey key = VerificationKey.of(keys.getPublic());
        assertThat(key.verify(SignatureAlgorithm.ES256, MESSAGE, derSignature)).isFalse();
        assertThat(key.verify(SignatureAlgorithm.ES256, MESSAGE, signature(SignatureAlgorithm.ES256, MESSAGE))).isTrue();
    }

    @Test
    void emptyMessagesCanBeSignedAndVerified() throws Exception {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            VerificationKey key = VerificationKey.of(KEYS.get(alg).getPublic());
            assertThat(key.verify(alg, new byte[0], signature(alg, new byte[0]))).as("%s", alg).isTrue();
        }
    }
}
