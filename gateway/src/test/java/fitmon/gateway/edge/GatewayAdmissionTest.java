package fitmon.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import fitmon.core.auth.RequestSigning;
import fitmon.gateway.GatewayApplication;
import fitmon.gateway.auth.nonce.InMemoryNonceStore;
import fitmon.gateway.auth.nonce.NonceStore;
import fitmon.testkit.FreePorts;
import fitmon.testkit.SignedHttp;
import fitmon.testkit.StreamedUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real gateway in front of a small registry over HTTP that knows every key id {@code fk_<name>}
 * (an ADMIN principal {@code <name>}, secret {@code secret-<name>}) and no other: the limits that
 * apply before and during authentication. Each principal may send 3 requests, each client address
 * 20 unauthenticated or failed ones (practically no refill during the test).
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayAdmissionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLOSED = FreePorts.single();
    private static final Map<String, AtomicInteger> LOOKUPS = new ConcurrentHashMap<>();
    private static final HttpServer REGISTRY = startRegistry();
    /** How long the stand-in registry takes to answer {@code GET /api/v1/principals}. */
    private static final Duration SLOW_REGISTRY = Duration.ofMillis(1500);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        NoReplicas.settings(registry, "http://127.0.0.1:" + REGISTRY.getAddress().getPort(), CLOSED);
        registry.add("fitmon.gateway.auth.max-body-size", () -> "256KB");
        registry.add("fitmon.gateway.admission.burst", () -> "3");
        registry.add("fitmon.gateway.admission.permits-per-second", () -> "0.001");
        registry.add("fitmon.gateway.admission.client-burst", () -> "20");
        registry.add("fitmon.gateway.admission.client-permits-per-second", () -> "0.001");
    }

    @AfterAll
    static void stopRegistry() {
        REGISTRY.stop(0);
    }

    @LocalServerPort
    int port;

    @Autowired
    NonceStore nonces;

    private SignedHttp http() {
        return new SignedHttp("http://127.0.0.1:" + port);
    }

    private static SignedHttp.ApiKey key(String name) {
        return new SignedHttp.ApiKey("fk_" + name, "secret-" + name);
    }

    @Test
    @Order(1)
    void aSignedBodyStreamedPastTheLimitIsRefusedBeforeTheClientFinishesSending() throws Exception {
        Map<String, String> headers = SignedHttp.headers(key("uploader"), "POST", "/api/v1/channels", new byte[0]);
        // 64 MiB, chunked, no Content-Length: far more than socket buffers hold, so the writer can
        // only finish if the server reads it all
        StreamedUpload.Answer answer = StreamedUpload.chunked(port, "POST", "/api/v1/channels", headers, 64L << 20);
        expect(answer, 413, "BODY_TOO_LARGE");
        assertThat(answer.bodyCompleted()).as("answered before the body ended").isFalse();
        assertThat(answer.headers().get("connection")).isEqualTo("close");
    }

    @Test
    @Order(2)
    void aDeclaredLengthPastTheLimitIsRefusedWithoutReadingTheBody() throws Exception {
        Map<String, String> headers = SignedHttp.headers(key("declarer"), "POST", "/api/v1/channels", new byte[0]);
        StreamedUpload.Answer answer = StreamedUpload.declared(port, "POST", "/api/v1/channels", headers, 1L << 30, 0);
        expect(answer, 413, "BODY_TOO_LARGE");
        assertThat(answer.bytesWritten()).isZero();
    }

    @Test
    @Order(3)
    void aRequestOverThePrincipalsRateTakesNoPlaceInTheNonceStore() {
        SignedHttp.ApiKey busy = key("busy");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = http().get(busy, "/api/v1/channels");
            statuses.add(response.statusCode());
            if (i >= 3) {
                expect(response, 429, "RATE_LIMITED");
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }
        assertThat(statuses.subList(0, 3)).doesNotContain(429, 401);
        assertThat(((InMemoryNonceStore) nonces).size("fk_busy")).as("nonces held by the rate-limited key").isEqualTo(3);
    }

    @Test
    @Order(4)
    void anUnknownKeyIdIsAskedAboutOnceThenRememberedForAWhile() {
        for (int i = 0; i < 5; i++) {
            expect(http().get(new SignedHttp.ApiKey("nobody-1", "x"), "/api/v1/channels"), 401, "UNKNOWN_API_KEY");
        }
        assertThat(LOOKUPS.get("nobody-1")).hasValue(1);
    }

    @Test
    @Order(5)
    void multipartBodiesAreRefusedAs415NotParsed() {
        for (String path : List.of("/api/v1/channels", "/api/v1/channels/host.cpu/events")) {
            SignedHttp.ApiKey key = key("multipart-" + path.length());
            byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nhost.cpu\r\n--b--\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            Map<String, String> headers = new HashMap<>(SignedHttp.headers(key, "POST", path, body));
            headers.put("Content-Type", "multipart/form-data; boundary=b");
            expect(http().raw("POST", path, body, headers), 415, "UNSUPPORTED_MEDIA_TYPE");
        }
    }

    @Test
    @Order(6)
    void authenticatedRequestsInFlightHoldNoPermitOfTheirAddress() throws Exception {
        // 30 admin calls from one address, 20 ms apart, each forwarded to a registry that takes
        // 1.5 s: more of them are in flight together than the address's bucket (20) holds.
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/principals")).GET();
            SignedHttp.headers(key("inflight-" + i), "GET", "/api/v1/principals", new byte[0]).forEach(request::header);
            answers.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(20);
        }
        for (var answer : answers) {
            HttpResponse<String> response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    @Test
    @Order(7)
    void unauthenticatedAndFailedRequestsAreLimitedPerClientAddress() {
        int refused = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 25 && refused == 0; i++) {
            last = http().get(new SignedHttp.ApiKey("nobody-2", "x"), "/api/v1/channels");
            refused += last.statusCode() == 429 ? 1 : 0;
        }
        assertThat(refused).as("a 429 within 25 failed requests").isEqualTo(1);
        expect(last, 429, "CLIENT_RATE_LIMITED");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        // the public enrollment endpoint is refused too, before its body is read
        expect(http().post(null, "/api/v1/enrollments", "{}"), 429, "CLIENT_RATE_LIMITED");
        // a forwarded-for header is nobody's word here (no internal proxy configured): still limited
        expect(forwardedFor("203.0.113.9"), 429, "CLIENT_RATE_LIMITED");
        assertThat(LOOKUPS.get("nobody-2")).hasValue(1);
    }

    private HttpResponse<String> forwardedFor(String address) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/channels"))
                    .header("X-Forwarded-For", address).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
    }

    private static void expect(StreamedUpload.Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("code").asString()).isEqualTo(code);
    }

    private static HttpServer startRegistry() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String prefix = "/internal/v1/api-keys/";
                byte[] body;
                int status;
                if (path.startsWith(prefix)) {
                    String keyId = path.substring(prefix.length());
                    LOOKUPS.computeIfAbsent(keyId, k -> new AtomicInteger()).incrementAndGet();
                    if (keyId.startsWith("fk_")) {
                        String name = keyId.substring(3);
                        String signingKey = Base64.getEncoder().encodeToString(RequestSigning.signingKey("secret-" + name));
                        body = ("{\"keyId\":\"" + keyId + "\",\"principal\":\"" + name + "\",\"kind\":\"ADMIN\",\"enabled\":true,"
                                + "\"keyRevoked\":false,\"signingKey\":\"" + signingKey + "\",\"priority\":100,"
                                + "\"permissions\":[{\"action\":\"ADMIN\",\"tagPattern\":\"*\"}],\"certificate\":null,"
                                + "\"certificateSerial\":null,\"certificateRevoked\":false}").getBytes(StandardCharsets.UTF_8);
                        status = 200;
                    } else {
                        body = "{\"code\":\"API_KEY_NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8);
                        status = 404;
                    }
                } else if (path.equals("/api/v1/principals")) {
                    // a slow registry: forwarded admin calls stay in flight for a while
                    try {
                        Thread.sleep(SLOW_REGISTRY.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    body = "[]".getBytes(StandardCharsets.UTF_8);
                    status = 200;
                } else {
                    body = "{\"code\":\"NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8);
                    status = 404;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
