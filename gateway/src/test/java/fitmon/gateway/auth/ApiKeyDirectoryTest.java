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
                "service-token", null, Duration.ofHours(1), Duration.ofSeconds(5), 2, Duration.ofHours(1), 3);
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

    @Test
    void unknownKeyIdsAreRememberedApartAndNeitherCacheGrowsPastItsBound() {
        answer.set(key("CONSOLE", null));
        assertThat(directory.lookup("fk_1")).isPresent();
        assertThat(directory.lookup("fk_2")).isPresent();
        registry.removeContext("/internal/v1/api-keys/");
        registry.createContext("/internal/v1/api-keys/", exchange -> {
            lookups.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        int before = lookups.get();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5; i++) {
                assertThat(directory.lookup("made-up-" + i)).isEmpty();
            }
        }
        // the bound is 3 unknown ids: the first round's 5 cost 5 calls; the second round asks again
        // only for the 2 pushed out... and those push out others, least recently used first
        assertThat(directory.unknownKeys()).isEqualTo(3);
        assertThat(directory.knownKeys()).isEqualTo(2);
        assertThat(directory.lookup("made-up-4")).isEmpty();
        int afterFlood = lookups.get();
        assertThat(directory.lookup("made-up-4")).isEmpty();
        assertThat(lookups.get()).as("a repeated unknown id is not asked about again").isEqualTo(afterFlood);
        assertThat(afterFlood - before).isGreaterThanOrEqualTo(5);
        // the flood of unknown ids did not push the known keys out
        assertThat(directory.lookup("fk_1")).isPresent();
        assertThat(directory.lookup("fk_2")).isPresent();
        assertThat(lookups.get()).isEqualTo(afterFlood);
    }

    @Test
    void theKnownKeyCacheDropsOnlyItsLeastRecentlyUsedEntry() {
        answer.set(key("CONSOLE", null));
        directory.lookup("a");
        directory.lookup("b");
        directory.lookup("a"); // b is now the least recently used
        directory.lookup("c"); // capacity 2: b goes
        int calls = lookups.get();
        directory.lookup("a");
        directory.lookup("c");
        assertThat(lookups.get()).as("a and c still cached").isEqualTo(calls);
        directory.lookup("b");
        assertThat(lookups.get()).as("b was dropped").isEqualTo(calls + 1);
    }
}
