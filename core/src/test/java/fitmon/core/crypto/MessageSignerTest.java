package fitmon.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageSignerTest {

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);
    private static final Map<SignatureAlgorithm, KeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);

    @BeforeAll
    static void keys() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            KEYS.put(alg, MessageSigner.generateKeyPair(alg));
        }
    }

    @Test
    void generatedKeysAreOfTheDocumentedKinds() {
        assertThat(KEYS.get(SignatureAlgorithm.ED25519).getPublic()).isInstanceOfSatisfying(EdECPublicKey.class,
                k -> assertThat(k.getParams().getName()).isEqualTo("Ed25519"));
        assertThat(KEYS.get(SignatureAlgorithm.ES256).getPublic()).isInstanceOfSatisfying(ECPublicKey.class,
                k -> assertThat(k.getParams().getOrder().toString(16))
                        .isEqualToIgnoringCase("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"));
        assertThat(KEYS.get(SignatureAlgorithm.RS256).getPublic()).isInstanceOfSatisfying(RSAPublicKey.class,
                k -> assertThat(k.getModulus().bitLength()).isEqualTo(2048));
        assertThat(MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic())
                .isNotEqualTo(KEYS.get(SignatureAlgorithm.ED25519).getPublic());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signaturesVerifyWithTheMatchingKey(SignatureAlgorithm alg) throws Exception {
        MessageSigner signer = new MessageSigner(alg, KEYS.get(alg).getPrivate());
        assertThat(signer.algorithm()).isEqualTo(alg);
        byte[] signature = signer.sign(MESSAGE);
        assertThat(VerificationKey.of(KEYS.get(alg).getPublic()).verify(alg, MESSAGE, signature)).isTrue();
    }

    @Test
    void ed25519SignaturesAreByteForByteTheJdksAndRfc8032s() throws Exception {
        // RFC 8032, section 7.1, TEST 2: the secret key as a PKCS#8 key of the JDK's own provider
        byte[] seed = HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        byte[] pkcs8 = concat(HexFormat.of().parseHex("302e020100300506032b657004220420"), seed);
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        byte[] message = {0x72};
        MessageSigner signer = new MessageSigner(SignatureAlgorithm.ED25519, key);
        assertThat(signer.signsWithBouncyCastle()).isTrue();
        assertThat(new MessageSigner(SignatureAlgorithm.ES256, KEYS.get(SignatureAlgorithm.ES256).getPrivate())
                .signsWithBouncyCastle()).isFalse();
        byte[] signature = signer.sign(message);
        assertThat(HexFormat.of().formatHex(signature)).isEqualTo("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223"
                + "ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        for (int i = 0; i < 20; i++) {
            byte[] random = new byte[i * 37];
            ThreadLocalRandom.current().nextBytes(random);
            PrivateKey fresh = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPrivate();
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(fresh);
            jdk.update(random);
            assertThat(new MessageSigner(SignatureAlgorithm.ED25519, fresh).sign(random)).isEqualTo(jdk.sign());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void everyKeyAlgorithmMismatchIsRefused() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            for (SignatureAlgorithm keyOf : SignatureAlgorithm.values()) {
                if (alg == keyOf) {
                    continue;
                }
                PrivateKey key = KEYS.get(keyOf).getPrivate();
                assertThatThrownBy(() -> new MessageSigner(alg, key)).as("%s key for %s", keyOf, alg)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot sign " + alg.envelopeName());
            }
        }
    }

    @Test
    void anEd448KeyIsNotAnEd25519Key() throws Exception {
        // the JDK calls both "EdDSA"
        PrivateKey ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate();
        assertThat(ed448.getAlgorithm()).isEqualTo(KEYS.get(SignatureAlgorithm.ED25519).getPrivate().getAlgorithm());
        assertThatThrownBy(() -> new MessageSigner(SignatureAlgorithm.ED25519, ed448))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot sign Ed25519");
    }

    @Test
    void es256NeedsAP256Key() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        PrivateKey p384 = ec.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> new MessageSigner(SignatureAlgorithm.ES256, p384))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P-256");
    }

    @Test
    void rs256NeedsAtLeast2048Bits() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        PrivateKey weak = rsa.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> new MessageSigner(SignatureAlgorithm.RS256, weak))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
    }

    @Test
    void envelopeNamesRoundTrip() {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            assertThat(SignatureAlgorithm.fromEnvelopeName(alg.envelopeName())).isSameAs(alg);
        }
        assertThat(SignatureAlgorithm.ED25519.envelopeName()).isEqualTo("Ed25519");
        assertThat(SignatureAlgorithm.ES256.envelopeName()).isEqualTo("ES256");
        assertThat(SignatureAlgorithm.RS256.envelopeName()).isEqualTo("RS256");
        assertThat(SignatureAlgorithm.fromEnvelopeName("ED25519")).isNull();
        assertThat(SignatureAlgorithm.fromEnvelopeName("es256")).isNull();
        assertThat(SignatureAlgorithm.fromEnvelopeName(null)).isNull();
    }
}
