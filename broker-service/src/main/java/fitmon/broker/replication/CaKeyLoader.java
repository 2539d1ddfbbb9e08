package fitmon.broker.replication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;

import fitmon.core.crypto.VerificationKey;

/** Reads the fitmon CA public key from configuration: base64 DER, a PEM key or a PEM certificate. */
final class CaKeyLoader {

    private CaKeyLoader() {
    }

    /** The configured key, or null when none is configured. */
    static PublicKey load(BrokerReplicaProperties properties) {
        String text = properties.caPublicKey();
        if ((text == null || text.isBlank()) && properties.caPublicKeyFile() != null && !properties.caPublicKeyFile().isBlank()) {
            try {
                text = Files.readString(Path.of(properties.caPublicKeyFile()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException("fitmon.broker.ca-public-key-file: cannot read "
                        + properties.caPublicKeyFile() + ": " + e.getMessage(), e);
            }
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        return parse(text.trim());
    }

    static PublicKey parse(String text) {
        try {
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            }
            byte[] der = PemText.der(text);
            VerificationKey key = VerificationKey.fromSpki(der);
            return KeyFactory.getInstance(key.algorithm().keyAlgorithm()).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("fitmon.broker.ca-public-key is not a base64 DER public key, a PEM "
                    + "public key or a PEM certificate: " + e.getMessage(), e);
        }
    }
}
