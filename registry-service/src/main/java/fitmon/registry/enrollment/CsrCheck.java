package fitmon.registry.enrollment;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;

import fitmon.core.crypto.VerificationKey;
import fitmon.registry.web.ApiProblem;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a probe's PKCS#10 request: PEM, an Ed25519 or ECDSA P-256 key, a signature that key made,
 * and a subject CN equal to the probe's name. Each failure has its own code.
 */
final class CsrCheck {

    static final int MAX_PEM_CHARS = 8000;

    private CsrCheck() {
    }

    /** The public key the request certifies. */
    static PublicKey verify(String pem, String expectedName) {
        PKCS10CertificationRequest csr = parse(pem);
        SubjectPublicKeyInfo info = csr.getSubjectPublicKeyInfo();
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
            // accepted
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            if (!SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters())) {
                throw ApiProblem.badRequest("CSR_UNSUPPORTED_KEY",
                        "ECDSA keys must be on curve P-256 (secp256r1); this request's key is on another curve");
            }
        } else {
            throw ApiProblem.badRequest("CSR_UNSUPPORTED_KEY", "probe keys must be Ed25519 or ECDSA P-256; this request "
                    + "carries a " + describe(algorithm) + " key");
        }
        byte[] spki;
        PublicKey key;
        try {
            spki = info.getEncoded();
            VerificationKey.fromSpki(spki);
            key = KeyFactory.getInstance(EdECObjectIdentifiers.id_Ed25519.equals(algorithm) ? "Ed25519" : "EC")
                    .generatePublic(new X509EncodedKeySpec(spki));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw ApiProblem.badRequest("CSR_INVALID", "the request's public key is malformed: " + e.getMessage());
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (PKCSException | OperatorCreationException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw ApiProblem.badRequest("CSR_SIGNATURE_INVALID",
                    "the request's signature does not verify with the public key it carries");
        }
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        String cn = cns.length == 1 && !cns[0].isMultiValued() ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
        if (cn == null) {
            throw ApiProblem.badRequest("CSR_SUBJECT_MISMATCH",
                    "the request's subject must hold exactly one CN, the probe's name '" + expectedName + "'");
        }
        if (!cn.equals(expectedName)) {
            throw ApiProblem.badRequest("CSR_SUBJECT_MISMATCH", "the request's subject CN '" + shorten(cn)
                    + "' is not the probe's name '" + expectedName + "'");
        }
        return key;
    }

    private static PKCS10CertificationRequest parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw ApiProblem.badRequest("CSR_INVALID", "csr is required: a PEM PKCS#10 certificate request");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw ApiProblem.badRequest("CSR_INVALID", "csr is longer than " + MAX_PEM_CHARS + " characters");
        }
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw ApiProblem.badRequest("CSR_INVALID", "csr is not a readable PEM PKCS#10 certificate request");
        }
        if (!(parsed instanceof PKCS10CertificationRequest csr)) {
            throw ApiProblem.badRequest("CSR_INVALID", "csr must be a PEM block '-----BEGIN CERTIFICATE REQUEST-----'"
                    + (parsed == null ? "" : ", not a " + parsed.getClass().getSimpleName()));
        }
        return csr;
    }

    private static String describe(ASN1ObjectIdentifier algorithm) {
        return switch (algorithm.getId()) {
            case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10" -> "RSA";
            case "1.3.101.113" -> "Ed448";
            case "1.3.101.110", "1.3.101.111" -> "X25519/X448 (key agreement, not signing)";
            case "1.2.840.10040.4.1" -> "DSA";
            default -> "algorithm " + algorithm.getId();
        };
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
