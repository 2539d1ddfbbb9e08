package fitmon.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import fitmon.core.auth.RequestSigning;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server that checks signatures as the gateway does and answers as scripted. */
class GatewayClientTest {

    private static final ApiKey KEY = new ApiKey("fk_test", "s3cret");

    /** One scripted answer: status, headers, body; status 0 drops the connection without answering. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    record Seen(String method, String path, String nonce, byte[] body, boolean signatureValid) {
    }

    private HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        String nonce = exchange.getRequestHeaders().getFirst(RequestSigning.HEADER_NONCE);
        boolean valid = KEY.keyId().equals(exchange.getRequestHeaders().getFirst(RequestSigning.HEADER_API_KEY))
                && RequestSigning.verify(RequestSigning.signingKey(KEY.secret()), exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst(RequestSigning.HEADER_TIMESTAMP), nonce, body,
                exchange.getRequestHeaders().getFirst(RequestSigning.HEADER_SIGNATURE));
        seen.add(new Seen(exchange.getRequestMethod(), path, nonce, body, valid));
        Answer answer = script.poll();
        if (answer == null) {
            answer = new Answer(200, Map.of(), "{}");
        }
        if (answer.status() == 0) {
            exchange.close(); // the request was read, the answer is lost
            throw new IOException("connection dropped on purpose");
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private GatewayClient client(RetryPolicy policy) {
        return GatewayClient.builder("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .apiKey(KEY).retryPolicy(policy).sleeper(waits::add).build();
    }

    private static String problem(String code, String detail) {
        return "{\"type\":\"x\",\"title\":\"Some Title\",\"status\":0,\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
    }

    @Test
    void signsEveryRequestAsTheGatewayChecksIt() {
        script.add(new Answer(200, Map.of(), "{\"ok\":true}"));
        GatewayClient client = client(RetryPolicy.DEFAULT);

        assertThat(client.get("/api/v1/channels?x=1&y=a%20b").get("ok").asBoolean()).isTrue();
        client.post("/api/v1/channels", GatewayClient.JSON.readTree("{\"tag\":\"t\"}"), false);

        assertThat(seen).extracting(Seen::signatureValid).containsOnly(true);
        assertThat(seen.get(0).path()).isEqualTo("/api/v1/channels?x=1&y=a%20b");
        assertThat(new String(seen.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("{\"tag\":\"t\"}");
    }

    @Test
    void problemAnswersBecomeTypedExceptionsWithoutRetry() {
        script.add(new Answer(409, Map.of("Content-Type", "application/problem+json"),
                problem("CHANNEL_EXISTS", "channel t exists")));
        GatewayClient client = client(RetryPolicy.DEFAULT);

        assertThatThrownBy(() -> client.send("POST", "/api/v1/channels", "{}".getBytes(), true))
                .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(409);
                    assertThat(p.code()).isEqualTo("CHANNEL_EXISTS");
                    assertThat(p.title()).isEqualTo("Some Title");
                    assertThat(p.detail()).isEqualTo("channel t exists");
                    assertThat(p.isAuthentication()).isFalse();
                });
        assertThat(seen).hasSize(1);
    }

    @Test
    void anErrorPageThatIsNotProblemJsonStillGivesStatusAndText() {
        script.add(new Answer(404, Map.of(), "<html>\n <body>nothing here</body></html>"));
        assertThatThrownBy(() -> client(RetryPolicy.DEFAULT).get("/nowhere"))
                .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
                    assertThat(p.code()).isEqualTo("HTTP_404");
                    assertThat(p.detail()).isEqualTo("<html> <body>nothing here</body></html>");
                });
    }

    @Test
    void overloadAndServerErrorsAreRetriedWithTheSameBodyAFreshNonceAndTheServersRetryAfter() {
        script.add(new Answer(429, Map.of("Retry-After", "7"), problem("RATE_LIMITED", "slow down")));
        script.add(new Answer(503, Map.of(), problem("ORDERING_TIMEOUT", "no order yet")));
        script.add(new Answer(202, Map.of(), "{\"done\":1}"));
        List<Integer> failed = new ArrayList<>();
        byte[] body = "{\"seq\":17}".getBytes(StandardCharsets.UTF_8);

        GatewayResponse response = client(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(30)))
                .send("POST", "/api/v1/channels/t/events", body, true, failed::add);

        assertThat(response.status()).isEqualTo(202);
        assertThat(seen).hasSize(3);
        assertThat(seen).extracting(s -> new String(s.body(), StandardCharsets.UTF_8)).containsOnly("{\"seq\":17}");
        assertThat(seen).extracting(Seen::nonce).doesNotHaveDuplicates();
        assertThat(seen).extracting(Seen::signatureValid).containsOnly(true);
        assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(7));
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(failed).containsExactly(1, 2);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastAnswer() {
        for (int i = 0; i < 3; i++) {
            script.add(new Answer(503, Map.of("Retry-After", "1"), problem("ORDERING_UNAVAILABLE", "group down")));
        }
        assertThatThrownBy(() -> client(new RetryPolicy(3, Duration.ZERO, Duration.ofSeconds(5))).get("/api/v1/cluster"))
                .isInstanceOfSatisfying(GatewayProblemException.class, p -> {
                    assertThat(p.code()).isEqualTo("ORDERING_UNAVAILABLE");
                    assertThat(p.isUnavailable()).isTrue();
                    assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                });
        assertThat(seen).hasSize(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void aDroppedConnectionIsRetriedOnlyWhenAsked() {
        script.add(new Answer(0, Map.of(), ""));
        script.add(new Answer(200, Map.of(), "{}"));
        client(RetryPolicy.DEFAULT).send("POST", "/api/v1/channels/t/registrations", null, true);
        assertThat(seen).hasSize(2);

        seen.clear();
        script.add(new Answer(0, Map.of(), ""));
        assertThatThrownBy(() -> client(RetryPolicy.DEFAULT).send("POST", "/api/v1/channels", "{}".getBytes(), false))
                .isInstanceOf(GatewayUnreachableException.class)
                .hasMessageStartingWith("cannot reach gateway at http://127.0.0.1:" + server.getAddress().getPort());
        assertThat(seen).hasSize(1);
    }

    @Test
    void nobodyListeningIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GatewayClient client = GatewayClient.builder("http://127.0.0.1:" + port).apiKey(KEY)
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO)).sleeper(waits::add).build();
        assertThatThrownBy(() -> client.get("/api/v1/cluster"))
                .isInstanceOfSatisfying(GatewayUnreachableException.class, e -> {
                    assertThat(e.gatewayUrl()).isEqualTo("http://127.0.0.1:" + port);
                    assertThat(e.getMessage()).startsWith("cannot reach gateway at http://127.0.0.1:" + port + ": ")
                            .contains("ConnectException");
                });
        assertThat(waits).hasSize(1);
    }

    @Test
    void unsignedClientSendsNoCredentials() {
        client(RetryPolicy.DEFAULT).withApiKey(null).post("/api/v1/enrollments", GatewayClient.JSON.createObjectNode(), false);
        assertThat(seen.get(0).nonce()).isNull();
    }

    @Test
    void gatewayUrlMustBeHttp() {
        assertThatThrownBy(() -> GatewayClient.builder("ftp://x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)://host[:port]");
        assertThatThrownBy(() -> GatewayClient.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(GatewayClient.builder("http://h:1//").build().gatewayUrl()).isEqualTo("http://h:1");
    }

    @Test
    void keyFileIsReadAndTheSecretNeverPrinted() throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("key", ".json");
        try {
            java.nio.file.Files.writeString(file, "{\"keyId\":\"fk_1\",\"secret\":\"abc\",\"principal\":\"admin\"}");
            ApiKey key = ApiKey.read(file);
            assertThat(key).isEqualTo(new ApiKey("fk_1", "abc"));
            assertThat(key.toString()).doesNotContain("abc");
            java.nio.file.Files.writeString(file, "{\"keyId\":\"fk_1\"}");
            assertThatThrownBy(() -> ApiKey.read(file)).isInstanceOf(IOException.class).hasMessageContaining("keyId");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
