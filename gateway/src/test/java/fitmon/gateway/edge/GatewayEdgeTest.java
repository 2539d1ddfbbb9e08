package fitmon.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import fitmon.core.auth.RequestSigning;
import fitmon.gateway.GatewayApplication;
import fitmon.testkit.FreePorts;
import fitmon.testkit.SignedHttp;
import fitmon.testkit.StreamedUpload;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real gateway application with neither registry nor replicas reachable: what it answers at
 * its edge before it needs either, and that it says so precisely when it does.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayEdgeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLOSED = FreePorts.single();

    @DynamicPropertySource
    static void nothingReachable(DynamicPropertyRegistry registry) {
        NoReplicas.settings(registry, "http://127.0.0.1:" + CLOSED, CLOSED);
    }

    @LocalServerPort
    int port;

    private SignedHttp http() {
        return new SignedHttp("http://127.0.0.1:" + port);
    }

    @Test
    void clusterMapAndOpenApiDocumentAreServedWithoutAuthentication() {
        HttpResponse<String> cluster = http().get(null, "/api/v1/cluster");
        assertThat(cluster.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(cluster.body());
        assertThat(body.get("n").asInt()).isEqualTo(4);
        assertThat(body.get("quorum").asInt()).isEqualTo(2);
        assertThat(body.at("/replicas/0/stompUrl").asString()).isEqualTo("ws://127.0.0.1:" + CLOSED + "/ws");

        HttpResponse<String> openApi = http().get(null, "/v3/api-docs");
        assertThat(openApi.statusCode()).isEqualTo(200);
        JsonNode paths = JSON.readTree(openApi.body()).get("paths");
        assertThat(paths.has("/api/v1/channels")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/events")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/registrations")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/subscriptions")).isTrue();
    }

    @Test
    void requestsWithoutOrWithBrokenCredentialsAreRefusedBeforeAnyLookup() {
        expect(http().get(null, "/api/v1/channels"), 401, "MISSING_CREDENTIALS");
        // spellings of a protected path that do not start with "/api/" as sent: Spring Security's
        // firewall refuses paths that are not normalized before anything looks at them
        expect(http().get(null, "/api;x=1/v1/channels"), 400, "INVALID_REQUEST");
        expect(http().get(null, "//api/v1/principals"), 400, "INVALID_REQUEST");
        expect(http().get(null, "/api/v1/channels/%2e%2e/principals"), 400, "INVALID_REQUEST");
        expect(http().get(null, "/api/v1/channels/a%2Fb"), 400, "INVALID_REQUEST");
        // actuator: health, info and metrics for Prometheus open, every other endpoint closed
        assertThat(http().get(null, "/actuator/prometheus").statusCode()).isEqualTo(200);
        expect(http().get(null, "/actuator/metrics"), 403, "FORBIDDEN");
        expect(http().get(null, "/actuator/metrics/jvm.memory.used"), 403, "FORBIDDEN");

        SignedHttp.ApiKey key = new SignedHttp.ApiKey("fk_test", "secret");
        byte[] none = new byte[0];
        Map<String, String> stale = new HashMap<>(SignedHttp.headers(key, "GET", "/api/v1/channels", none));
        stale.put(RequestSigning.HEADER_TIMESTAMP, Long.toString(System.currentTimeMillis() / 1000 - 301));
        expect(http().raw("GET", "/api/v1/channels", none, stale), 401, "STALE_TIMESTAMP");

        Map<String, String> notANumber = new HashMap<>(stale);
        notANumber.put(RequestSigning.HEADER_TIMESTAMP, "yesterday");
        expect(http().raw("GET", "/api/v1/channels", none, notANumber), 400, "INVALID_TIMESTAMP");

        Map<String, String> shortNonce = new HashMap<>(SignedHttp.headers(key, "GET", "/api/v1/channels", none));
        shortNonce.put(RequestSigning.HEADER_NONCE, "abc");
        expect(http().raw("GET", "/api/v1/channels", none, shortNonce), 400, "INVALID_NONCE");
    }

    @Test
    void aWellFormedRequestWhileTheRegistryIsDownGetsA503WithRetryAfter() {
        HttpResponse<String> response = http().get(new SignedHttp.ApiKey("fk_test", "secret"), "/api/v1/channels");
        expect(response, 503, "REGISTRY_UNAVAILABLE");
        assertThat(response.headers().firstValue("Retry-After")).contains("5");
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        byte[] big = "x".repeat(9 * 1024 * 1024).getBytes(StandardCharsets.US_ASCII);
        SignedHttp.ApiKey key = new SignedHttp.ApiKey("fk_test", "secret");
        expect(http().raw("POST", "/api/v1/channels", big, SignedHttp.headers(key, "POST", "/api/v1/channels", big)),
                413, "BODY_TOO_LARGE");
    }

    @Test
    void aPublicBodyStreamedPastItsSmallLimitIsRefusedBeforeTheClientFinishesSending() throws Exception {
        // 64 MiB chunked to the one public POST; its limit is 64 KiB
        StreamedUpload.Answer answer = StreamedUpload.chunked(port, "POST", "/api/v1/enrollments",
                Map.of("Content-Type", "application/json"), 64L << 20);
        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("code").asString()).isEqualTo("BODY_TOO_LARGE");
        assertThat(answer.bodyCompleted()).as("answered before the body ended").isFalse();

        // just over the limit with a Content-Length: refused on the header, nothing read
        StreamedUpload.Answer declared = StreamedUpload.declared(port, "POST", "/api/v1/enrollments",
                Map.of("Content-Type", "application/json"), 64 * 1024 + 1, 0);
        assertThat(declared.status()).isEqualTo(413);
        // a body that fits reaches the forwarding (and the registry, which is down here)
        expect(http().post(null, "/api/v1/enrollments", "{\"bootstrapToken\":\"t\",\"csr\":\"c\"}"), 503,
                "REGISTRY_UNAVAILABLE");
    }

    @Test
    void methodsNobodyServesAreProblemJson() {
        expect(http().raw("TRACE", "/api/v1/channels", new byte[0], Map.of()), 405, "METHOD_NOT_ALLOWED");
        expect(http().raw("TRACE", "/v3/api-docs", new byte[0], Map.of()), 405, "METHOD_NOT_ALLOWED");
        expect(http().raw("DELETE", "/v3/api-docs", new byte[0], Map.of()), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void unknownPathsAndTheReadinessProbeAnswerPlainly() {
        HttpResponse<String> readiness = http().get(null, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("OUT_OF_SERVICE");
        HttpResponse<String> unknown = http().get(null, "/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void pathsTomcatRefusesStillGetProblemJson() {
        expect(http().get(null, "/api/v1/channels/a%00b"), 400, "INVALID_REQUEST");
    }

    private static void expect(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
    }
}
