package fitmon.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import fitmon.core.pki.CaTrust;
import fitmon.core.pki.CertificateAuthority;
import fitmon.gateway.GatewayApplication;
import fitmon.testkit.FreePorts;
import fitmon.testkit.SignedHttp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real gateway on HTTPS with a certificate of the fitmon CA, as {@code ./fitmon-local} and
 * docker-compose run it: what a client that trusts the CA sees, that one that does not is refused,
 * the development port beside it, and a certificate replaced on disk taking over without a restart.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayHttpsTest {

    private static final int CLOSED = FreePorts.single();
    private static final int PLAIN = FreePorts.single();
    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-ca");
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.generate("fitmon-ca");
    private static final Path DIR;
    private static final X509Certificate FIRST;

    static {
        try {
            DIR = Files.createTempDirectory("gateway-https");
            FIRST = writeServerCertificate(CA);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void https(DynamicPropertyRegistry registry) {
        NoReplicas.settings(registry, "http://127.0.0.1:" + CLOSED, CLOSED);
        registry.add("server.ssl.bundle", () -> "gateway");
        registry.add("spring.ssl.bundle.pem.gateway.keystore.certificate", () -> "file:" + DIR.resolve("https.cert.pem"));
        registry.add("spring.ssl.bundle.pem.gateway.keystore.private-key", () -> "file:" + DIR.resolve("https.key.pem"));
        registry.add("spring.ssl.bundle.pem.gateway.reload-on-update", () -> "true");
        registry.add("spring.ssl.bundle.pem.gateway.keystore.verify-keys", () -> "true");
        registry.add("spring.ssl.bundle.pem.gateway.options.enabled-protocols", () -> "TLSv1.3");
        registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "1s");
        registry.add("fitmon.gateway.plain-http.port", () -> PLAIN);
    }

    @LocalServerPort
    int port;

    @Test
    void aClientTrustingTheFitmonCaGetsTls13FromTheGatewaysServerCertificate() throws Exception {
        SSLContext trusting = CaTrust.sslContext(CA.certificate());
        HttpResponse<String> cluster = new SignedHttp("https://127.0.0.1:" + port, trusting).get(null, "/api/v1/cluster");
        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.sslSession()).hasValueSatisfying(session -> {
            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
            try {
                X509Certificate served = (X509Certificate) session.getPeerCertificates()[0];
                assertThat(served.getSubjectX500Principal().getName()).contains("OU=fitmon-server");
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                throw new AssertionError(e);
            }
        });
        // by name as well as by address: both are in the certificate
        assertThat(new SignedHttp("https://localhost:" + port, trusting).get(null, "/api/v1/cluster").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aClientThatDoesNotTrustTheFitmonCaIsRefusedInTheHandshake() {
        HttpClient strangers = HttpClient.newBuilder().sslContext(CaTrust.sslContext(OTHER_CA.certificate())).build();
        assertThatThrownBy(() -> strangers.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        HttpClient publicRoots = HttpClient.newHttpClient();
        assertThatThrownBy(() -> publicRoots.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                        + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theDevelopmentPortSpeaksPlainHttpOnLoopbackAndTheHttpsPortDoesNot() throws Exception {
        assertThat(new SignedHttp("http://127.0.0.1:" + PLAIN).get(null, "/api/v1/cluster").statusCode()).isEqualTo(200);
        // the main connector's limits apply to it too: an authenticated path still wants credentials
        assertThat(new SignedHttp("http://127.0.0.1:" + PLAIN).get(null, "/api/v1/channels").statusCode()).isEqualTo(401);
        HttpResponse<String> plainToTls = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plainToTls.statusCode()).isEqualTo(400);
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext context;

    @Test
    void theDevelopmentPortListensOnLoopbackWithTheMainPortsLimits() {
        org.apache.catalina.connector.Connector[] connectors = ((org.springframework.boot.tomcat.TomcatWebServer) context
                .getWebServer()).getTomcat().getService().findConnectors();
        org.apache.catalina.connector.Connector main = java.util.Arrays.stream(connectors)
                .filter(c -> c.getLocalPort() == port).findFirst().orElseThrow();
        org.apache.catalina.connector.Connector plain = java.util.Arrays.stream(connectors)
                .filter(c -> c.getLocalPort() == PLAIN).findFirst().orElseThrow();
        assertThat(plain.getSecure()).isFalse();
        assertThat(String.valueOf(plain.getProperty("address"))).isIn("/127.0.0.1", "127.0.0.1");
        // application.yml sets these on the main connector; Tomcat's own defaults differ
        assertThat(plain.getProperty("connectionTimeout")).isEqualTo(20_000).isEqualTo(main.getProperty("connectionTimeout"));
        assertThat(plain.getProperty("maxSwallowSize")).isEqualTo(64 * 1024).isEqualTo(main.getProperty("maxSwallowSize"));
        assertThat(plain.getMaxPostSize()).isEqualTo(main.getMaxPostSize()).isEqualTo(64 * 1024);
    }

    @Test
    void tls12IsRefused() throws Exception {
        SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
        tls12.init(null, trustManagers(CA.certificate()), null);
        try (SSLSocket socket = (SSLSocket) tls12.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(X509Certificate ca) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }

    @Test
    void aNewCertificateOnDiskIsServedWithoutARestart() throws Exception {
        assertThat(servedCertificate().getSerialNumber()).isEqualTo(FIRST.getSerialNumber());
        X509Certificate renewed = writeServerCertificate(CA);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!renewed.getSerialNumber().equals(servedSerialOrNull())) {
            assertThat(System.nanoTime()).as("the renewed certificate served within 30 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(new SignedHttp("https://127.0.0.1:" + port, CaTrust.sslContext(CA.certificate()))
                .get(null, "/api/v1/cluster").statusCode()).isEqualTo(200);
    }

    /** The served certificate's serial, or null while a handshake fails (a reload under way). */
    private java.math.BigInteger servedSerialOrNull() throws Exception {
        try {
            return servedCertificate().getSerialNumber();
        } catch (javax.net.ssl.SSLException e) {
            return null;
        }
    }

    private X509Certificate servedCertificate() throws Exception {
        try (SSLSocket socket = (SSLSocket) CaTrust.sslContext(CA.certificate()).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** As the key generator does: key and certificate written aside, then moved into place. */
    private static X509Certificate writeServerCertificate(CertificateAuthority ca) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = ca.issueServerCertificate("gateway", List.of("localhost", "127.0.0.1"),
                pair.getPublic(), now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        move(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), DIR.resolve("https.key.pem"));
        move(pem("CERTIFICATE", certificate.getEncoded()), DIR.resolve("https.cert.pem"));
        return certificate;
    }

    private static void move(String content, Path target) {
        try {
            Path aside = target.resolveSibling(target.getFileName() + ".new");
            Files.writeString(aside, content);
            Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
