package fitmon.broker.state;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;

/**
 * Real keys and certificates for state machine tests, generated once per JVM: the trusted CA, a
 * rogue CA, and a fixed consensus-time origin that every certificate's validity is relative to.
 */
final class TestKeys {

    /** Consensus time at which the tests start (certificates are valid around it). */
    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    static final long T0_MS = T0.toEpochMilli();

    /** Validity of an ordinary test certificate: a day before T0 to a year after. */
    static final Instant VALID_FROM = T0.minus(Duration.ofDays(1));
    static final Instant VALID_UNTIL = T0.plus(Duration.ofDays(365));

    static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-test-ca");
    static final CertificateAuthority ROGUE_CA = CertificateAuthority.generate("fitmon-test-ca");

    private static final Map<String, KeyPair> KEY_PAIRS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    /** The key pair of a named test key, generated on first use (RSA is slow, so keys are shared). */
    static KeyPair keyPair(String name, SignatureAlgorithm algorithm) {
        return KEY_PAIRS.computeIfAbsent(name + "/" + algorithm, n -> MessageSigner.generateKeyPair(algorithm));
    }

    /** A key the broker refuses to certify: EC on P-384. */
    static KeyPair p384KeyPair() {
        return KEY_PAIRS.computeIfAbsent("p384", n -> {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp384r1"));
                return g.generateKeyPair();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** DER certificate for {@code cn} over {@code key}, issued by {@code ca}. */
    static byte[] certificate(CertificateAuthority ca, String cn, PublicKey key, Instant notBefore, Instant notAfter) {
        try {
            return ca.issueProbeCertificate(cn, key, notBefore, notAfter).getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
