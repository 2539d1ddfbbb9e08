package fitmon.gateway.registry;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** Certificates as the registry hands them out: PEM text to DER bytes to X.509. */
public final class PemCertificates {

    private PemCertificates() {
    }

    /** @throws IllegalArgumentException when the text holds no base64 certificate */
    public static byte[] der(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("no certificate");
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    /** @throws CertificateException when the bytes are not one X.509 certificate */
    public static X509Certificate x509(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
