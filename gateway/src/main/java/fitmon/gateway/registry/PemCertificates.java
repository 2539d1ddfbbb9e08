package fitmon.gateway.registry;

import java.util.Base64;

/** PEM text of one certificate to DER bytes. */
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
}
