package fitmon.console.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;
import fitmon.console.ConsoleApplication;
import fitmon.testkit.FreePorts;
import fitmon.testkit.StreamedUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The forwarding against a small recording HTTP server in the gateway's place: what the browser
 * sent arrives unchanged, the answer comes back unchanged, and an absent gateway is a 502 problem.
 */
class GatewayProxyTest {

    private static final HttpClient BROWSER = HttpClient.newHttpClient();
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private static HttpServer upstream;
    private static ConfigurableApplicationContext console;
    private static ConfigurableApplicationContext orphan;

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            SEEN.clear();
            SEEN.put("method", exchange.getRequestMethod());
            SEEN.put("uri", exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            SEEN.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.getRequestHeaders().forEach((name, values) -> SEEN.put("h:" + name.toLowerCase(), values.get(0)));
            byte[] answer = "{\"type\":\"about:blank\",\"code\":\"ALREADY_SUBSCRIBED\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().add("Retry-After", "3");
            exchange.getResponseHeaders().add("Set-Cookie", "upstream=1");
            exchange.sendResponseHeaders(409, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        upstream.start();
        console = SpringApplication.run(ConsoleApplication.class, "--server.port=0",
                "--fitmon.console.gateway-url=http://127.0.0.1:" + upstream.getAddress().getPort());
        // a console whose gateway is not there: a port nothing listens on
        int deadPort = FreePorts.single();
        orphan = SpringApplication.run(ConsoleApplication.class, "--server.port=0",
                "--fitmon.console.gateway-url=http://127.0.0.1:" + deadPort);
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        if (orphan != null) {
            orphan.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void forwardsMethodRawPathQueryBodyAndSigningHeadersAndReturnsTheAnswerAsIs() throws Exception {
        String path = "/api/v1/channels/host.cpu/subscriptions?x=a%2Fb&y=1";
        HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port(console) + path))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", "fk_test").header("X-Timestamp", "1700000000")
                .header("X-Nonce", "nonce-abcdef").header("X-Signature", "00ff")
                .header("Cookie", "session=secret")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(SEEN).containsEntry("method", "POST").containsEntry("uri", path)
                .containsEntry("body", "{\"a\":1}")
                .containsEntry("h:x-api-key", "fk_test").containsEntry("h:x-timestamp", "1700000000")
                .containsEntry("h:x-nonce", "nonce-abcdef").containsEntry("h:x-signature", "00ff")
                .containsEntry("h:content-type", "application/json")
                .doesNotContainKey("h:cookie");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).isEqualTo("{\"type\":\"about:blank\",\"code\":\"ALREADY_SUBSCRIBED\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void deleteWithoutBodyIsForwardedToo() throws Exception {
        HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port(console) + "/api/v1/channels/a.b")).DELETE()
                .header("X-Api-Key", "fk_test").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(SEEN).containsEntry("method", "DELETE").containsEntry("uri", "/api/v1/channels/a.b")
                .containsEntry("body", "");
    }

    @Test
    void unreachableGatewayIsA502ProblemThatSaysSo() throws Exception {
        HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port(orphan) + "/api/v1/channels")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"GATEWAY_UNREACHABLE\"")
                .contains("cannot be reached").contains("connection refused").doesNotContain("at fitmon.");
    }

    @Test
    void healthProbesAnswer() throws Exception {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port(orphan) + probe)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(response.body()).as(probe).contains("\"UP\"");
        }
    }

    @Test
    void pagesAreServedWithAScriptPolicy() throws Exception {
        HttpResponse<String> page = BROWSER.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(console) + "/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"signin-form\"").contains("type=\"module\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("script-src 'self'");
    }

    @Test
    void aSignedBodyStreamedPastTheLimitIsRefusedBeforeTheClientFinishesSending() throws Exception {
        SEEN.clear();
        // 64 MiB, chunked: the console must neither hold it nor forward it
        StreamedUpload.Answer answer = StreamedUpload.chunked(port(console), "POST", "/api/v1/channels",
                Map.of("X-Signature", "00", "Content-Type", "application/json"), 64L << 20);
        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("\"code\":\"BODY_TOO_LARGE\"");
        assertThat(answer.bodyCompleted()).as("answered before the body ended").isFalse();
    }

    @Test
    void anUnsignedBodyPastTheSmallLimitIsRefusedOnItsDeclaredLength() throws Exception {
        StreamedUpload.Answer answer = StreamedUpload.declared(port(console), "POST", "/api/v1/enrollments",
                Map.of("Content-Type", "application/json"), 64 * 1024 + 1, 0);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("\"code\":\"BODY_TOO_LARGE\"");
    }

    @Test
    void errorsSpringOrTomcatRaiseAreProblemJson() throws Exception {
        for (String[] call : new String[][] {{"TRACE", "/api/v1/channels", "405"}, {"TRACE", "/", "405"},
                {"GET", "/no-such-page.js", "404"}, {"DELETE", "/index.html", "405"}}) {
            HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port(console) + call[1]))
                    .method(call[0], HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call[0] + " " + call[1]).isEqualTo(Integer.parseInt(call[2]));
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(call[0] + " " + call[1])
                    .startsWith("application/problem+json");
            assertThat(response.body()).contains("\"code\":");
        }
    }
}
