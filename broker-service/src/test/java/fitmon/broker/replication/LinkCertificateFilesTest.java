package fitmon.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;

import fitmon.broker.keygen.ReplicaKeyGen;
import fitmon.replication.link.LinkCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link certificates as keygen writes them and a replica reads them, renewed included. */
class LinkCertificateFilesTest {

    @TempDir
    Path out;

    @Test
    void keygenIssuesEachReplicaACertificateOfTheCaThatTheReplicaReadsAsItsOwn() throws Exception {
        new ReplicaKeyGen().run("--out", out.toString(), "--replicas", "4", "--ca", "--link-certs");
        X509Certificate ca = certificate(out.resolve("ca/ca.cert.pem"));
        for (int id = 0; id < 4; id++) {
            LinkCredentials credentials = files(id, id).get();
            credentials.certificate().verify(ca.getPublicKey());
            assertThat(credentials.identity().isReplica(id)).isTrue();
            assertThat(credentials.certificate().getNotAfter().toInstant()).isAfter(Instant.now().plusSeconds(300 * 86400));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(link(id, "key"))))
                    .isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> files(1, 2)).hasMessageContaining("certifies replica-1, not replica-2");
    }

    @Test
    void aSecondRunKeepsValidCertificatesAndTheReplicaPicksUpARenewedOneWithoutRestarting() throws Exception {
        ReplicaKeyGen keyGen = new ReplicaKeyGen();
        keyGen.run("--out", out.toString(), "--replicas", "2", "--ca", "--link-certs");
        LinkCertificateFiles replica1 = files(1, 1);
        X509Certificate first = replica1.get().certificate();

        ReplicaKeyGen.Result again = keyGen.run("--out", out.toString(), "--replicas", "2", "--link-certs");
        assertThat(again.kept()).contains("replica 0 link certificate", "replica 1 link certificate");
        assertThat(replica1.get().certificate()).isEqualTo(first);

        // a certificate close to its end (here: unreadable, which counts the same) is issued anew
        Files.writeString(link(1, "cert"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Files.setLastModifiedTime(link(1, "cert"), FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(replica1.get().certificate()).as("a renewal that cannot be read keeps the last good one")
                .isEqualTo(first);
        ReplicaKeyGen.Result renewed = keyGen.run("--out", out.toString(), "--replicas", "2", "--link-certs");
        assertThat(renewed.written()).contains(link(1, "cert"), link(1, "key"));
        X509Certificate second = replica1.get().certificate();
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());
    }

    private LinkCertificateFiles files(int certificateOf, int replicaId) {
        return new LinkCertificateFiles(link(certificateOf, "cert").toString(), link(certificateOf, "key").toString(),
                replicaId);
    }

    private Path link(int replica, String part) {
        return out.resolve("replica-" + replica).resolve("link." + part + ".pem");
    }

    private static X509Certificate certificate(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }
}
