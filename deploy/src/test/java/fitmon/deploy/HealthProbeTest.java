package fitmon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import fitmon.core.pki.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' health check, run from its source as the JDK's single-file launcher runs it, against
 * an HTTPS server on a server certificate of a fitmon CA, as the compose file points it at the
 * gateway: healthy only when it is given that CA.
 */
class HealthProbeTest {

    private static final Path SOURCE = Repo.root().resolve("deploy/base-image/HealthProbe.java");

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
    private HttpsServer server;

    @BeforeEach
    void serve() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        X509Certificate certificate = ca.issueServerCertificate("gateway", List.of("localhost"), pair.getPublic(),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", pair.getPrivate(), new char[0], new Certificate[] {certificate});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void anHttpsServiceIsHealthyOnlyWhenItsCertificateChecksOutAgainstTheGivenCa() throws Exception {
        Path caFile = pem(dir.resolve("ca.cert.pem"), ca.certificate());
        Path otherCa = pem(dir.resolve("other.cert.pem"), CertificateAuthority.generate("fitmon-ca").certificate());
        String ready = "https://localhost:" + server.getAddress().getPort() + "/ready";

        assertThat(probe(ready, caFile.toString())).isZero();
        assertThat(probe("https://localhost:" + server.getAddress().getPort() + "/down", caFile.toString())).isEqualTo(1);
        assertThat(probe(ready, otherCa.toString())).as("another CA").isEqualTo(1);
        assertThat(probe(ready)).as("the runtime's public roots").isEqualTo(1);
        assertThat(probe()).as("no URL").isEqualTo(2);
    }

    private static int probe(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), SOURCE.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        process.getInputStream().readAllBytes();
        return process.exitValue();
    }

    private static Path pem(Path file, X509Certificate certificate) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        return file;
    }
}
