package fitmon.core.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A probe's public key, parsed once from its X.509 SubjectPublicKeyInfo and then used to verify
 * many signatures. Thread-safe.
 *
 * <p>Ed25519 is verified with BouncyCastle's implementation (several times faster than the JDK's
 * on Java 17); ECDSA and RSA with the JDK providers.
 */
public final class VerificationKey {

    /** Order of the NIST P-256 group, to recognise the curve whatever provider parsed the key. */
    static final BigInteger P256_ORDER = new BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    static final int MIN_RSA_BITS = 2048;

    private final byte[] spki;
    private final SignatureAlgorithm compatibleAlgorithm;
    private final PublicKey jcaKey;
    private final Ed25519PublicKeyParameters ed25519;

    private VerificationKey(byte[] spki, SignatureAlgorithm alg, PublicKey jcaKey,
                            Ed25519PublicKeyParameters ed25519) {
        this.spki = spki;
        this.compatibleAlgorithm = alg;
        this.jcaKey = jcaKey;
        this.ed25519 = ed25519;
    }

    /**
     * Parses a DER SubjectPublicKeyInfo. Accepts Ed25519, EC on P-256 and RSA of at least 2048 bits.
     *
     * @throws GeneralSecurityException with a readable message for anything else
     */
    public static VerificationKey fromSpki(byte[] spki) throws GeneralSecurityException {
        byte[] copy = spki.clone();
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(copy);
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("public key is not a DER SubjectPublicKeyInfo");
        }
        String oid = info.getAlgorithm().getAlgorithm().getId();
        switch (oid) {
            case "1.3.101.112" -> {
                byte[] raw;
                Ed25519PublicKeyParameters point;
                try {
                    // BouncyCastle throws unchecked exceptions for a key string with padding bits
                    // and for 32 bytes that are not a curve point; both are bad input, not bugs.
                    raw = info.getPublicKeyData().getOctets();
                    if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                        throw new GeneralSecurityException("Ed25519 public key must be 32 bytes");
                    }
                    point = new Ed25519PublicKeyParameters(raw, 0);
                } catch (RuntimeException e) {
                    throw new GeneralSecurityException("Ed25519 public key is malformed or not a valid curve point");
                }
                PublicKey jca = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(copy));
                return new VerificationKey(copy, SignatureAlgorithm.ED25519, jca, point);
            }
            case "1.2.840.10045.2.1" -> {
                PublicKey jca = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(copy));
                if (!(jca instanceof ECPublicKey ec) || !ec.getParams().getOrder().equals(P256_ORDER)) {
                    throw new GeneralSecurityException("EC public keys must be on curve P-256");
                }
                return new VerificationKey(copy, SignatureAlgorithm.ES256, jca, null);
            }
            case "1.2.840.113549.1.1.1" -> {
                PublicKey jca = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(copy));
                if (((RSAPublicKey) jca).getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new GeneralSecurityException("RSA public keys must have at least " + MIN_RSA_BITS + " bits");
                }
                return new VerificationKey(copy, SignatureAlgorithm.RS256, jca, null);
            }
            default -> throw new GeneralSecurityException("unsupported public key algorithm " + oid
                    + " (accepted: Ed25519, EC P-256, RSA)");
        }
    }

    public static VerificationKey of(PublicKey key) throws GeneralSecurityException {
        return fromSpki(key.getEncoded());
    }

    /** The only signature algorithm this key verifies. */
    public SignatureAlgorithm algorithm() {
        return compatibleAlgorithm;
    }

    /** The DER SubjectPublicKeyInfo this key was parsed from. */
    public byte[] spki() {
        return spki.clone();
    }

    /**
     * Verifies {@code signature} over {@code message}. Returns false, never throws, for a
     * signature of another algorithm or a malformed signature.
     */
    public boolean verify(SignatureAlgorithm alg, byte[] message, byte[] signature) {
        if (alg != compatibleAlgorithm || signature == null) {
            return false;
        }
        if (ed25519 != null) {
            if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
                return false;
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, ed25519);
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        }
        try {
            Signature verifier = Signature.getInstance(jcaAlgorithm(alg));
            verifier.initVerify(jcaKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static String jcaAlgorithm(SignatureAlgorithm alg) {
        return switch (alg) {
            case ED25519 -> "Ed25519";
            case ES256 -> "SHA256withECDSAinP1363Format";
            case RS256 -> "SHA256withRSA";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && Arrays.equals(spki, other.spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }
}
