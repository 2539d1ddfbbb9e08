package fitmon.broker.keygen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.replication.ReplicaKeys;

class ReplicaKeyGenTest {

    @TempDir
    Path out;

    private final ReplicaKeyGen keyGen = new ReplicaKeyGen();

    @Test
    void every_replica_loads_its_keys_through_the_brokers_own_reader_and_they_fit_the_group() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "4");

        List<String> publicFiles = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            publicFiles.add(ReplicaKeyGen.publicKeyFile(out, id).toString());
        }
        for (int id = 0; id < 4; id++) {
            ReplicaKeys keys = loadWithBrokerReader(ReplicaKeyGen.privateKeyFile(out, id).toString(), publicFiles);
            int replica = id;
            keys.validate(replica, 4);
            int other = (id + 1) % 4;
            assertThatThrownBy(() -> keys.validate(other, 4)).hasMessageContaining("does not match");
        }
        assertThat(Files.readString(ReplicaKeyGen.privateKeyFile(out, 0)))
                .startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Files.readString(ReplicaKeyGen.publicKeyFile(out, 0)))
                .startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ReplicaKeyGen.privateKeyFile(out, 3))))
                .isEqualTo("rw-------");
    }

    @Test
    void a_second_run_keeps_what_exists_and_adds_what_is_missing() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "4");
        String before = Files.readString(ReplicaKeyGen.privateKeyFile(out, 2));

        ReplicaKeyGen.Result again = keyGen.run("--out", out.toString(), "--replicas", "5");

        assertThat(Files.readString(ReplicaKeyGen.privateKeyFile(out, 2))).isEqualTo(before);
        assertThat(again.kept()).hasSize(4);
        assertThat(again.written()).containsExactlyInAnyOrder(
                ReplicaKeyGen.privateKeyFile(out, 4), ReplicaKeyGen.publicKeyFile(out, 4));
    }

    @Test
    void a_half_written_pair_is_refused_rather_than_silently_replaced() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "2");
        Files.delete(ReplicaKeyGen.publicKeyFile(out, 1));

        assertThatThrownBy(() -> keyGen.run("--out", out.toString(), "--replicas", "2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica 1 key pair is incomplete");
    }

    @Test
    void the_ca_is_an_ed25519_key_and_its_self_signed_certificate_in_the_registrys_file_forms() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "1", "--ca");

        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(out.resolve("ca/ca.cert.pem"))));
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Files.readString(out.resolve("registry/ca.cert.pem"))).isEqualTo(Files.readString(out.resolve("ca/ca.cert.pem")));

        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
                der(Files.readString(out.resolve("registry/ca.key.pem")))));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void the_gateway_https_certificate_names_its_hosts_serves_tls_only_and_is_issued_again_when_they_change() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "1", "--ca", "--gateway-https");
        X509Certificate ca = certificate(out.resolve("ca/ca.cert.pem"));
        X509Certificate first = certificate(out.resolve("gateway/https.cert.pem"));
        first.verify(ca.getPublicKey());
        assertThat(first.getSubjectX500Principal().getName()).contains("OU=fitmon-server").contains("CN=gateway");
        assertThat(first.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth only
        assertThat(first.getSubjectAlternativeNames()).extracting(name -> name.get(0) + "=" + name.get(1))
                .containsExactlyInAnyOrder("2=localhost", "7=127.0.0.1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("gateway/https.key.pem"))))
                .isEqualTo("rw-------");

        keyGen.run("--out", out.toString(), "--replicas", "1", "--ca", "--gateway-https");
        assertThat(certificate(out.resolve("gateway/https.cert.pem"))).isEqualTo(first);

        keyGen.run("--out", out.toString(), "--replicas", "1", "--ca", "--gateway-https", "--gateway-hosts",
                "gateway.example,10.0.0.7");
        X509Certificate renamed = certificate(out.resolve("gateway/https.cert.pem"));
        assertThat(renamed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renamed.getSubjectAlternativeNames()).extracting(name -> name.get(0) + "=" + name.get(1))
                .containsExactlyInAnyOrder("2=gateway.example", "7=10.0.0.7");

        // an IPv6 address, which the certificate spells in full, and a name in capitals: kept on the next run
        keyGen.run("--out", out.toString(), "--replicas", "1", "--gateway-https", "--gateway-hosts", "Gateway.example,::1");
        X509Certificate v6 = certificate(out.resolve("gateway/https.cert.pem"));
        keyGen.run("--out", out.toString(), "--replicas", "1", "--gateway-https", "--gateway-hosts", "Gateway.example,::1");
        assertThat(certificate(out.resolve("gateway/https.cert.pem"))).isEqualTo(v6);

        // the CA replaced: issued anew by the current one
        Path otherCa = out.resolve("other-ca");
        keyGen.run("--out", otherCa.toString(), "--replicas", "1", "--ca");
        keyGen.run("--out", out.toString(), "--replicas", "1", "--gateway-https", "--gateway-hosts", "Gateway.example,::1",
                "--ca-dir", otherCa.resolve("registry").toString());
        certificate(out.resolve("gateway/https.cert.pem")).verify(certificate(otherCa.resolve("ca/ca.cert.pem")).getPublicKey());
    }

    private static X509Certificate certificate(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    @Test
    void registry_secrets_are_a_32_byte_master_key_one_service_token_shared_with_the_gateway_and_a_database_password() throws Exception {
        keyGen.run("--out", out.toString(), "--replicas", "1", "--registry-secrets", "--db-password");

        assertThat(Base64.getDecoder().decode(Files.readString(out.resolve("registry/master-key")))).hasSize(32);
        String token = Files.readString(out.resolve("registry/service-token"));
        assertThat(token).hasSizeGreaterThanOrEqualTo(40).doesNotContain("\n");
        assertThat(Files.readString(out.resolve("gateway/service-token"))).isEqualTo(token);
        String password = Files.readString(out.resolve("registry-db/db-password"));
        assertThat(password).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(token);
        assertThat(Files.readString(out.resolve("db/password"))).isEqualTo(password);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("registry-db/db-password"))))
                .isEqualTo("rw-------");
    }

    @Test
    void own_key_picks_the_private_key_named_by_the_pods_ordinal() throws Exception {
        Path secret = Files.createDirectories(out.resolve("secret"));
        Files.writeString(secret.resolve("replica-0.key.pem"), "zero");
        Files.writeString(secret.resolve("replica-12.key.pem"), "twelve");
        Path own = out.resolve("own/replica.key.pem");

        keyGen.run("own-key", "--from", secret.toString(), "--hostname", "fitmon-broker-12", "--to", own.toString());

        assertThat(Files.readString(own)).isEqualTo("twelve");
        assertThatThrownBy(() -> keyGen.run("own-key", "--from", secret.toString(), "--replica", "3", "--to", own.toString()))
                .hasMessageContaining("no private key for replica 3");
        assertThatThrownBy(() -> ReplicaKeyGen.ordinal("broker")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arguments_are_checked() {
        assertThatThrownBy(() -> keyGen.run("--replicas", "4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keyGen.run("--out", out.toString(), "--replicas", "4", "--bits", "1024"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
        assertThatThrownBy(() -> keyGen.run("--out", out.toString(), "--replicas", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The broker's file reader is package-private; calling it proves the formats match what a replica reads. */
    private static ReplicaKeys loadWithBrokerReader(String privateFile, List<String> publicFiles) throws Exception {
        Class<?> reader = Class.forName("fitmon.broker.replication.ReplicaKeyFiles");
        Method load = reader.getDeclaredMethod("load", BrokerReplicaProperties.Keys.class);
        load.setAccessible(true);
        return (ReplicaKeys) load.invoke(null, new BrokerReplicaProperties.Keys(privateFile, publicFiles));
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").getBytes(StandardCharsets.US_ASCII));
    }
}
