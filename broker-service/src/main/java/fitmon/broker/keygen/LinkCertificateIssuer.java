package fitmon.broker.keygen;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import fitmon.core.pki.CertificateAuthority;

/**
 * Issues each replica its link certificate from the fitmon CA's key files. A certificate with
 * more than {@link #RENEW_BEFORE} left is kept; one closer to its end, or gone, is issued anew
 * with a fresh key, which the replica picks up without a restart.
 */
final class LinkCertificateIssuer {

    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path caDir;

    LinkCertificateIssuer(Path caDir) {
        this.caDir = caDir;
    }

    static Path certFile(Path out, int replica) {
        return out.resolve("replica-" + replica).resolve("link.cert.pem");
    }

    static Path keyFile(Path out, int replica) {
        return out.resolve("replica-" + replica).resolve("link.key.pem");
    }

    void issue(Path out, int replicas, List<Path> written, List<String> kept) {
        CertificateAuthority ca = null;
        for (int id = 0; id < replicas; id++) {
            Path cert = certFile(out, id);
            Path key = keyFile(out, id);
            if (Files.exists(cert) && Files.exists(key) && !dueForRenewal(cert)) {
                kept.add("replica " + id + " link certificate");
                continue;
            }
            if (ca == null) {
                ca = loadCa();
            }
            KeyPair pair = ed25519();
            Instant now = Instant.now();
            X509Certificate certificate = ca.issueReplicaCertificate(id, pair.getPublic(), now.minus(Duration.ofMinutes(5)),
                    now.plus(VALIDITY));
            try {
                Files.deleteIfExists(key);
                ReplicaKeyGen.writeSecret(key, ReplicaKeyGen.pem("PRIVATE KEY", pair.getPrivate().getEncoded()), written);
                ReplicaKeyGen.writePublic(cert, ReplicaKeyGen.pem("CERTIFICATE", certificate.getEncoded()), written);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replace " + key + ": " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot encode a link certificate", e);
            }
        }
    }

    private static boolean dueForRenewal(Path certFile) {
        try {
            X509Certificate existing = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
            return existing.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
        } catch (IOException | GeneralSecurityException e) {
            return true; // unreadable: issue it again
        }
    }

    private CertificateAuthority loadCa() {
        Path keyFile = caDir.resolve("ca.key.pem");
        Path certFile = caDir.resolve("ca.cert.pem");
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            var privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), privateKey), certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("link certificates need the CA's key and certificate: cannot read "
                    + keyFile + " and " + certFile + " (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("unreadable CA key or certificate in " + caDir + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }
}
