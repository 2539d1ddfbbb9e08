package fitmon.replication.link;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
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
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("a link key and certificate the JDK cannot use: " + e.getMessage(), e);
        }
    }

    /** Who this certificate says its holder is. */
    public LinkIdentity identity() {
        return LinkIdentity.of(certificate);
    }
}
