package fitmon.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;

/** Signs messages with one private key and one algorithm (a probe's side). */
public final class MessageSigner {

    private final SignatureAlgorithm algorithm;
    private final PrivateKey key;

    public MessageSigner(SignatureAlgorithm algorithm, PrivateKey key) {
        if (!algorithm.keyAlgorithm().equals(normalise(key.getAlgorithm())) || !fits(algorithm, key)) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " key cannot sign "
                    + algorithm.envelopeName() + " (Ed25519 needs an Ed25519 key, ES256 an EC P-256 key, "
                    + "RS256 an RSA key of at least " + VerificationKey.MIN_RSA_BITS + " bits)");
        }
        this.algorithm = algorithm;
        this.key = key;
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public byte[] sign(byte[] message) {
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
