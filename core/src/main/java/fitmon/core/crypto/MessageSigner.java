package fitmon.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Signs messages with one private key and one algorithm (a probe's side). */
public final class MessageSigner {

    private final SignatureAlgorithm algorithm;
    private final PrivateKey key;

    public MessageSigner(SignatureAlgorithm algorithm, PrivateKey key) {
        if (!algorithm.keyAlgorithm().equals(normalise(key.getAlgorithm()))) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " key cannot sign "
                    + algorithm.envelopeName());
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

    private static String normalise(String jcaName) {
        return "EdDSA".equals(jcaName) ? "Ed25519" : jcaName;
    }
}
