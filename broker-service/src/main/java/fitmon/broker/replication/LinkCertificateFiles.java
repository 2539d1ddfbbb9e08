package fitmon.broker.replication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.function.Supplier;

import fitmon.replication.link.LinkCredentials;
import fitmon.replication.link.LinkIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's link certificate and key, read from their PEM files and read again when either
 * file changes (a renewed certificate is used by the next link, without a restart). A renewal
 * that cannot be read keeps the last good pair and says so.
 */
final class LinkCertificateFiles implements Supplier<LinkCredentials> {

    private static final Logger LOG = LoggerFactory.getLogger(LinkCertificateFiles.class);

    private final Path certFile;
    private final Path keyFile;
    private final int replicaId;
    private FileTime certSeen;
    private FileTime keySeen;
    private LinkCredentials current;

    LinkCertificateFiles(String certFile, String keyFile, int replicaId) {
        if (keyFile == null || keyFile.isBlank()) {
            throw new IllegalArgumentException("fitmon.broker.links.cert-file is set but fitmon.broker.links.key-file is not");
        }
        this.certFile = Path.of(certFile);
        this.keyFile = Path.of(keyFile);
        this.replicaId = replicaId;
        this.current = read();
    }

    @Override
    public synchronized LinkCredentials get() {
        try {
            if (!Files.getLastModifiedTime(certFile).equals(certSeen) || !Files.getLastModifiedTime(keyFile).equals(keySeen)) {
                current = read();
                LOG.info("replica {} link certificate reloaded from {}: valid until {}", replicaId, certFile,
                        current.certificate().getNotAfter().toInstant());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("replica {} keeps its link certificate: the renewed one cannot be read ({})", replicaId, e.getMessage());
        }
        return current;
    }

    private LinkCredentials read() {
        try {
            certSeen = Files.getLastModifiedTime(certFile);
            keySeen = Files.getLastModifiedTime(keyFile);
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
            PrivateKey key = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm()).generatePrivate(
                    new PKCS8EncodedKeySpec(PemText.der(Files.readString(keyFile, StandardCharsets.US_ASCII))));
            LinkCredentials credentials = new LinkCredentials(key, certificate);
            if (!credentials.identity().isReplica(replicaId)) {
                throw new IllegalArgumentException(certFile + " certifies " + credentials.identity() + ", not replica-" + replicaId);
            }
            return credentials;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the link certificate " + certFile + " or its key " + keyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable link certificate " + certFile + " or key " + keyFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether a client certificate may reach the library: a gateway's whose serial the agreed state has not revoked. */
    static boolean admitsClient(LinkIdentity client, ReplicatedBroker broker) {
        return client.role() == LinkIdentity.Role.GATEWAY && !broker.read(sm -> sm.isRevoked(client.serial()));
    }
}
