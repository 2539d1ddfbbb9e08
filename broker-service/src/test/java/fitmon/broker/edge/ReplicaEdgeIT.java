package fitmon.broker.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import fitmon.core.pki.CertificateAuthority;
import fitmon.core.stomp.StompFrame;
import fitmon.testkit.BrokerCluster;
import fitmon.testkit.ConsoleTokenFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One real replica process, reached the way an outsider reaches it: its HTTP port, open to anyone
 * because consoles use {@code /ws} on it. It waits for peers that never come, so its agreed state
 * stays still; everything checked here is the edge, not the ordering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaEdgeIT {

    private static final Path LOGS = Path.of("target", "replica-edge-it-logs");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_SESSIONS = 2;
    private static final int MAX_PENDING = 3;

    private ConsoleTokenFixture tokens;
    private BrokerCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<StompSocket> sockets = new ArrayList<>();

    @BeforeAll
    void startOneReplica() throws Exception {
        tokens = new ConsoleTokenFixture();
        cluster = new BrokerCluster(1, CertificateAuthority.generate("fitmon-edge-ca").publicKey().getEncoded(), LOGS,
                List.of("--fitmon.broker.delivery.jwks-url=" + tokens.jwksUrl(),
                        "--fitmon.broker.delivery.max-sessions=" + MAX_SESSIONS,
                        "--fitmon.broker.delivery.max-pending-connects=" + MAX_PENDING,
                        "--fitmon.broker.delivery.connect-timeout=3s"));
        cluster.readTokens(() -> tokens.token("reader", List.of("*"), Instant.now().plusSeconds(300)));
        cluster.replica(0).start();
        BrokerCluster.await("replica 0 to serve HTTP", Duration.ofSeconds(90),
                () -> cluster.get(0, "/actuator/health/liveness") != null);
    }

    @AfterAll
    void stop() {
        sockets.forEach(StompSocket::close);
        if (cluster != null) {
            cluster.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    private StompSocket socket() throws Exception {
        StompSocket socket = StompSocket.open(http, URI.create(cluster.httpUrl(0).replace("http:", "ws:") + "/ws"));
        sockets.add(socket);
        return socket;
    }

    private StompFrame connect() {
        return StompFrame.of("CONNECT").header("accept-version", "1.2")
                .header("token", tokens.token("console-1", List.of("*"), Instant.now().plusSeconds(300))).build();
    }

    private double metric(String name, String label) throws Exception {
        HttpResponse<String> response = cluster.raw(0, "/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().lines()
                .filter(line -> (line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void socketsThatNeverSendConnectCannotLockConsolesOut() throws Exception {
        // Far more silent sockets than consoles may have sessions: each one past the pending places
        // pushes out the one that has waited longest (the replica may see two sockets opened
        // back to back in either order), the last ones reach the CONNECT deadline.
        List<StompSocket> silent = new ArrayList<>();
        for (int i = 0; i < 4 * MAX_SESSIONS + MAX_PENDING; i++) {
            silent.add(socket());
        }
        int pushedOut = 0;
        for (StompSocket socket : silent) {
            String code = socket.errorCode();
            assertThat(code).isIn("TOO_MANY_PENDING_CONNECTS", "CONNECT_TIMEOUT");
            pushedOut += code.equals("TOO_MANY_PENDING_CONNECTS") ? 1 : 0;
            socket.awaitClosed();
        }
        assertThat(pushedOut).isEqualTo(silent.size() - MAX_PENDING);

        // With every pending place taken by silent sockets, consoles still get their sessions.
        for (int i = 0; i < MAX_PENDING; i++) {
            socket();
        }
        List<StompSocket> consoles = new ArrayList<>();
        for (int i = 0; i < MAX_SESSIONS; i++) {
            StompSocket console = socket();
            console.send(connect());
            assertThat(console.next().command()).as("console %d", i).isEqualTo("CONNECTED");
            consoles.add(console);
        }
        StompSocket oneTooMany = socket();
        oneTooMany.send(connect());
        assertThat(oneTooMany.errorCode()).isEqualTo("TOO_MANY_SESSIONS");

        // A silent socket that gets no competition is closed at the CONNECT deadline.
        StompSocket late = socket();
        assertThat(late.errorCode()).isEqualTo("CONNECT_TIMEOUT");
        late.awaitClosed();

        for (StompSocket console : consoles) {
            console.send(StompFrame.of("DISCONNECT").header("receipt", "bye").build());
            StompFrame receipt = console.next();
            assertThat(receipt.command()).isEqualTo("RECEIPT");
            assertThat(receipt.header("receipt-id")).isEqualTo("bye");
        }
        assertThat(metric("fitmon_delivery_sessions_ended_total", "code=\"TOO_MANY_PENDING_CONNECTS\""))
                .isGreaterThanOrEqualTo(silent.size() - MAX_PENDING);
    }

    @Test
    void parallelStatusRequestsShareOneDigestOfTheUnchangedState() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/v1/replica"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> digests = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode status = JSON.readTree(response.body());
            assertThat(status.get("appliedCommands").asLong()).isZero();
            digests.add(status.get("digest").asString());
        }
        assertThat(digests).hasSize(1);
        assertThat(metric("fitmon_replica_digest_computations_total", ""))
                .as("copies of the state hashed for 100 requests while it did not change").isEqualTo(1);
    }

    @Test
    void errorsOfTheHttpApiCarryACodeAndNoInternals() throws Exception {
        expectProblem("/api/v1/channels/nope", 404, "CHANNEL_NOT_FOUND");
        expectProblem("/api/v1/channels/nope/events?fromSeq=abc", 400, "INVALID_PARAMETER");
        expectProblem("/api/v1/channels/nope/events?limit=99999999999", 400, "INVALID_PARAMETER");
        expectProblem("/api/v1/channels/nope/events?limit=1001", 400, "INVALID_LIMIT");
        expectProblem("/api/v1/channels/nope/events?fromSeq=-1", 400, "INVALID_FROM_SEQ");
        expectProblem("/no/such/path", 404, "NOT_FOUND");
        expectProblem("/api/v1/channels/a%00b", 400, "INVALID_REQUEST");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/v1/channels"))
                .POST(HttpRequest.BodyPublishers.ofString("{")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(post, 405, "METHOD_NOT_ALLOWED");
        // refused by the servlet container before Spring MVC: still problem+json
        for (String path : List.of("/api/v1/channels", "/api/v1/replica", "/anything")) {
            assertProblem(http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + path))
                    .method("TRACE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()),
                    405, "METHOD_NOT_ALLOWED");
        }
    }

    @Test
    void channelReadsNeedAConsoleTokenThatAllowsTheChannel() throws Exception {
        for (String path : List.of("/api/v1/channels", "/api/v1/channels/host.cpu", "/api/v1/channels/host.cpu/events")) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertProblem(anonymous, 401, "UNAUTHENTICATED");
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        }
        String netOnly = tokens.token("net-console", List.of("net.*"), Instant.now().plusSeconds(300));
        HttpResponse<String> forbidden = http.send(HttpRequest.newBuilder(
                        URI.create(cluster.httpUrl(0) + "/api/v1/channels/host.cpu/events"))
                .header("Authorization", "Bearer " + netOnly).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(forbidden, 403, "FORBIDDEN");
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/v1/channels"))
                .header("Authorization", "Bearer " + netOnly).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        // the replica's status stays public, as its health does: it holds no channel or event
        assertThat(http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/v1/replica")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private void expectProblem(String path, int status, String code) throws Exception {
        assertProblem(cluster.raw(0, path), status, code);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("detail").asString()).doesNotContainIgnoringCase("exception")
                .doesNotContain("static resource").doesNotContain("Failed to convert").doesNotContain("java.");
    }
}
