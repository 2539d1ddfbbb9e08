package fitmon.replication.link;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * The key and certificate a process shows on its links. Both are re-read through the JDK's own
 * providers: TLS picks a key by the algorithm name the JDK gives it ({@code EdDSA}, {@code EC}),
 * while a key made by BouncyCastle calls itself {@code Ed25519} and would never be chosen.
 */
public record LinkCredentials(PrivateKey key, X509Certificate certificate) {

    public LinkCredentials {
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
            String algorithm = certificate.getPublicKey().getAlgorithm();
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            requireMatch(key, certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("a link key and certificate the JDK cannot use: " + e.getMessage(), e);
        }
    }

    /**
     * A key that is not the certificate's would fail every handshake with an error far from the
     * cause (a renewal that replaced one file and not the other, say): refused here instead.
     */
    private static void requireMatch(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EdDSA", "Ed25519" -> "Ed25519";
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "fitmon link key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signer.sign())) {
            throw new IllegalArgumentException("the private key is not the key of the certificate "
                    + certificate.getSubjectX500Principal());
        }
    }

    /** Who this certificate says its holder is. */
    public LinkIdentity identity() {
        return LinkIdentity.of(certificate);
    }
}
