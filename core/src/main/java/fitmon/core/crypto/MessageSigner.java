package fitmon.core.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signs messages with one private key and one algorithm (a probe's side, and a gateway's for its
 * commands). Thread-safe.
 *
 * <p>Ed25519 signs with BouncyCastle: on Java 17 the JDK's implementation is about eight times
 * slower, and Ed25519 signatures are deterministic (RFC 8032), so both produce the same bytes. ECDSA
 * and RSA sign with the JDK providers.
 */
public final class MessageSigner {

    private final SignatureAlgorithm algorithm;
    private final PrivateKey key;
    /** The key as BouncyCastle reads it, for Ed25519 keys whose encoding is available; else null. */
    private final Ed25519PrivateKeyParameters ed25519;

    public MessageSigner(SignatureAlgorithm algorithm, PrivateKey key) {
        if (!algorithm.keyAlgorithm().equals(normalise(key.getAlgorithm())) || !fits(algorithm, key)) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " key cannot sign "
                    + algorithm.envelopeName() + " (Ed25519 needs an Ed25519 key, ES256 an EC P-256 key, "
                    + "RS256 an RSA key of at least " + VerificationKey.MIN_RSA_BITS + " bits)");
        }
        this.algorithm = algorithm;
        this.key = key;
        this.ed25519 = algorithm == SignatureAlgorithm.ED25519 ? bouncyCastleKey(key) : null;
    }

    /** Null for a key that does not expose its PKCS#8 encoding (a hardware token): the JDK signs then. */
    private static Ed25519PrivateKeyParameters bouncyCastleKey(PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null) {
            return null;
        }
        try {
            return PrivateKeyFactory.createKey(pkcs8) instanceof Ed25519PrivateKeyParameters p ? p : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether signatures are made by BouncyCastle (Ed25519 keys whose encoding is readable). */
    boolean signsWithBouncyCastle() {
        return ed25519 != null;
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public byte[] sign(byte[] message) {
        if (ed25519 != null) {
            byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
            ed25519.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
            return signature;
        }
        try {
            Signature signer = Signature.getInstance(VerificationKey.jcaAlgorithm(algorithm));
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + algorithm.envelopeName() + " failed", e);
        }
    }

    /** A fresh key pair for the algorithm: Ed25519, EC P-256 or RSA 2048. */
    public static KeyPair generateKeyPair(SignatureAlgorithm algorithm) {
        try {
            return switch (algorithm) {
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                case ES256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    yield g.generateKeyPair();
                }
                case RS256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    yield g.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm.envelopeName() + " key pair", e);
        }
    }

    /**
     * The JDK names Ed25519 and Ed448 keys alike ("EdDSA"), and an EC or RSA key says nothing of its
     * curve or size: check those too, so that a key no verifier accepts (Ed448, P-384, RSA 1024) is
     * refused here rather than failing at the first signature or producing signatures every broker
     * refuses. Keys that do not expose their parameters (hardware tokens) pass on their name alone.
     */
    private static boolean fits(SignatureAlgorithm algorithm, PrivateKey key) {
        return switch (algorithm) {
            case ED25519 -> !(key instanceof EdECKey ed) || "Ed25519".equalsIgnoreCase(ed.getParams().getName());
            case ES256 -> !(key instanceof ECKey ec) || VerificationKey.P256_ORDER.equals(ec.getParams().getOrder());
            case RS256 -> !(key instanceof RSAKey rsa) || rsa.getModulus().bitLength() >= VerificationKey.MIN_RSA_BITS;
        };
    }

    private static String normalise(String jcaName) {
        return "EdDSA".equals(jcaName) ? "Ed25519" : jcaName;
    }
}
