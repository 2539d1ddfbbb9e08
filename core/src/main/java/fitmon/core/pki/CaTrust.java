package fitmon.core.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client context that trusts the fitmon CA alone (not the JDK's public roots): what a
 * client of the gateway's HTTPS needs, given the CA certificate that {@code ./fitmon-local} and
 * the key generator write ({@code ca.cert.pem}).
 */
public final class CaTrust {

    private CaTrust() {
    }

    /** Reads a PEM (or DER) CA certificate; says which file when it is not one. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an X.509 certificate in PEM or DER form: " + e.getMessage(), e);
        }
    }

    /** TLS 1.3 and 1.2 clients' context trusting exactly this CA. */
    public static SSLContext sslContext(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("fitmon-ca", ca);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + ca.getSubjectX500Principal(), e);
        }
    }

    public static SSLContext sslContext(Path caFile) throws IOException {
        return sslContext(readCertificate(caFile));
    }
}
