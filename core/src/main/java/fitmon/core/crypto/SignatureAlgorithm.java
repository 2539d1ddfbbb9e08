package fitmon.core.crypto;

/**
 * Signature algorithms a probe may sign events with, by the name used in the envelope's
 * {@code sig.alg}. ECDSA signatures are the fixed-size r||s form of JWS and WebCrypto, so browsers
 * verify them without re-encoding.
 */
public enum SignatureAlgorithm {
    ED25519("Ed25519", "Ed25519"),
    ES256("ES256", "EC"),
    RS256("RS256", "RSA");

    private final String envelopeName;
    private final String keyAlgorithm;

    SignatureAlgorithm(String envelopeName, String keyAlgorithm) {
        this.envelopeName = envelopeName;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** The name written in {@code sig.alg}. */
    public String envelopeName() {
        return envelopeName;
    }

    /** The JCA key algorithm a key must have to be used with this signature algorithm. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** Looks up the envelope name, null if unknown. */
    public static SignatureAlgorithm fromEnvelopeName(String name) {
        for (SignatureAlgorithm a : values()) {
            if (a.envelopeName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
