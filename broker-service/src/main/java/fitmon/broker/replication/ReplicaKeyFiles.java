package fitmon.broker.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import fitmon.replication.ReplicaKeys;

/**
 * Reads the replica RSA keys from files (PEM or bare base64 of the DER): this replica's PKCS#8
 * private key and every replica's X.509 public key, by id. Mounted secrets in production.
 */
final class ReplicaKeyFiles {

    private ReplicaKeyFiles() {
    }

    /** The configured keys, or null when none are configured. */
    static ReplicaKeys load(BrokerReplicaProperties.Keys settings) {
        if (settings == null || settings.privateKeyFile() == null || settings.privateKeyFile().isBlank()) {
            if (settings != null && settings.publicKeyFiles() != null && !settings.publicKeyFiles().isEmpty()) {
                throw new IllegalStateException("fitmon.broker.keys.public-key-files is set but "
                        + "fitmon.broker.keys.private-key-file is not");
            }
            return null;
        }
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(settings.privateKeyFile())));
            List<PublicKey> publicKeys = new ArrayList<>();
            for (String file : settings.publicKeyFiles() == null ? List.<String>of() : settings.publicKeyFiles()) {
                publicKeys.add(rsa.generatePublic(new X509EncodedKeySpec(der(file))));
            }
            return new ReplicaKeys(publicKeys, privateKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fitmon.broker.keys: not an RSA key in PKCS#8 (private) or X.509 (public) "
                    + "form: " + e.getMessage(), e);
        }
    }

    private static byte[] der(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("fitmon.broker.keys: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return PemText.der(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("fitmon.broker.keys: " + file + " is neither PEM nor base64", e);
        }
    }
}
