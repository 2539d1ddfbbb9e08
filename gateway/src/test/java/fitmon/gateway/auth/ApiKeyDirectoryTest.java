package fitmon.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's cache of API keys against a registry answering over real HTTP. */
class ApiKeyDirectoryTest {

    private HttpServer registry;
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicReference<String> answer = new AtomicReference<>();
    private ApiKeyDirectory directory;

    @BeforeEach
    void startRegistry() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/internal/v1/api-keys/", exchange -> {
            lookups.incrementAndGet();
            byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        RegistryProperties properties = new RegistryProperties("http://127.0.0.1:" + registry.getAddress().getPort(),
                "service-token", null, Duration.ofHours(1), Duration.ofSeconds(5));
        directory = new ApiKeyDirectory(new RegistryClient(properties), properties);
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    private static String key(String kind, String certificate) {
        return "{\"keyId\":\"fk_1\",\"principal\":\"web-01\",\"kind\":\"" + kind + "\",\"enabled\":true,"
                + "\"keyRevoked\":false,\"signingKey\":\"AAAA\",\"priority\":10,\"permissions\":[],"
                + "\"certificate\":" + (certificate == null ? "null" : "\"" + certificate + "\"")
                + ",\"certificateSerial\":null,\"certificateRevoked\":false}";
    }

    @Test
    void keysAreReusedWithinTheirTimeToLive() {
        answer.set(key("CONSOLE", null));
        assertThat(directory.lookup("fk_1")).isPresent();
        assertThat(directory.lookup("fk_1")).isPresent();
        assertThat(lookups).hasValue(1);
    }

    @Test
    void aProbeAwaitingApprovalIsAskedAboutEachTimeUntilItHasItsCertificate() {
        answer.set(key("PROBE", null));
        assertThat(directory.lookup("fk_1").orElseThrow().record().certificate()).isNull();
        assertThat(directory.lookup("fk_1").orElseThrow().record().certificate()).isNull();
        assertThat(lookups).hasValue(2);

        answer.set(key("PROBE", "-----BEGIN CERTIFICATE-----"));
        assertThat(directory.lookup("fk_1").orElseThrow().record().certificate()).isEqualTo("-----BEGIN CERTIFICATE-----");
        assertThat(directory.lookup("fk_1")).isPresent();
        assertThat(lookups).hasValue(3);
    }
}
