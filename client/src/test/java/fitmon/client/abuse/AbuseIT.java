package fitmon.client.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import fitmon.client.console.ConsoleClient;
import fitmon.client.console.ConsoleListener;
import fitmon.client.console.Principals;
import fitmon.client.console.VotedEvent;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.testkit.BrokerCluster;
import fitmon.testkit.ConsoleTokenFixture;
import fitmon.testkit.FitmonSuite;
import fitmon.testkit.ServiceProcess;
import fitmon.testkit.SignedHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The abuse suite: each attack of issue 13's findings runs against the real services (registry,
 * four replicas, gateway, each its own JVM of at most 256 MB heap that exits on running out of
 * memory) while a legitimate probe publishes ten events a second and a legitimate console votes on
 * every replica's deliveries. The attacker works from its own loopback address. At the end every
 * service is up, the console received every acknowledged event once, and what the attacks cost
 * the legitimate traffic is reported ({@code target/abuse-report.md}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class AbuseIT {

    private static final String TAG = "abuse.legit";
    private static final long GIB = 1L << 30;
    /** Far below what an unlimited reader would take (a GiB per upload), above socket buffers. */
    private static final long CUT_OFF = 64L << 20;

    private static FitmonSuite suite;
    private static GatewayClient admin;
    private static ConsoleClient console;
    private static LegitimateTraffic traffic;
    private static final Map<String, String> report = new LinkedHashMap<>();
    private static final AtomicInteger retries = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-abuse-");
        // a per-principal rate a single flooding client reaches whatever the machine's speed; the
        // legitimate probe publishes far below it
        suite = FitmonSuite.start(directory, 1, List.of("--fitmon.gateway.registry.cache-ttl=1s",
                "--fitmon.gateway.admission.permits-per-second=50", "--fitmon.gateway.admission.burst=100"));
        admin = GatewayClient.builder(suite.gatewayUrl())
                .apiKey(new ApiKey(suite.adminKey().keyId(), suite.adminKey().secret()))
                .onRetry(what -> retries.incrementAndGet()).build();
        admin.post("/api/v1/channels", JsonNodeFactory.instance.objectNode().put("tag", TAG).put("class", "BFT"), false);
        ProbeClient probe = Principals.enrolledProbe(admin, "legit-probe", directory.resolve("probe"));
        probe.register(TAG);
        GatewayClient consoleKey = admin.withApiKey(Principals.create(admin, "legit-console", "CONSOLE").apiKey());
        traffic = new LegitimateTraffic(probe, TAG, Duration.ofMillis(100));
        console = ConsoleClient.open(consoleKey, traffic);
        console.subscribe(TAG);
        traffic.start();
        BrokerCluster.await("the legitimate console to receive its first events", Duration.ofSeconds(60),
                () -> traffic.delivered.size() >= 5);
    }

    @AfterAll
    static void stop() throws Exception {
        if (traffic != null) {
            traffic.close();
        }
        if (console != null) {
            console.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    private static int gatewayPort() {
        return suite.gatewayProcess().httpPort();
    }

    private static <T> List<T> parallel(int threads, int tasks, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(3, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** When an attack began, and how many legitimate publishes had finished by then. */
    private record Window(Instant started, int publishesBefore) {
        static Window open() {
            return new Window(Instant.now(), traffic.publishMillis.size());
        }
    }

    private static void record(String attack, Window window, String outcome) {
        List<Long> during = new ArrayList<>(traffic.publishMillis.subList(window.publishesBefore(), traffic.publishMillis.size()));
        java.util.Collections.sort(during);
        String latency = during.isEmpty() ? "no publish finished"
                : during.size() + " publishes, p50 " + during.get(during.size() / 2) + " ms, max " + during.get(during.size() - 1) + " ms";
        report.put(attack, Duration.between(window.started(), Instant.now()).toMillis() + " ms | " + outcome + " | " + latency);
    }

    /** Chunked bodies of a GiB each, to the public enrollment path and a signed path of the gateway and to the registry. */
    @Test
    @Order(1)
    void endlessBodiesAreCutAtTheirLimitOnEveryService() throws Exception {
        Window window = Window.open();
        List<Attacker.Answer> enrollments = parallel(4, 4,
                () -> Attacker.chunkedUpload(gatewayPort(), "/api/v1/enrollments", Map.of(), GIB));
        List<Attacker.Answer> signed = parallel(4, 4, () -> Attacker.chunkedUpload(gatewayPort(), "/api/v1/channels",
                Map.of("X-Api-Key", "fk_made_up", "X-Timestamp", Long.toString(System.currentTimeMillis() / 1000),
                        "X-Nonce", java.util.UUID.randomUUID().toString(), "X-Signature", "AAAA"), GIB));
        int registryPort = Integer.parseInt(suite.registryUrl().substring(suite.registryUrl().lastIndexOf(':') + 1));
        List<Attacker.Answer> registry = parallel(2, 2,
                () -> Attacker.chunkedUpload(registryPort, "/api/v1/enrollments", Map.of(), GIB));
        List<Attacker.Answer> all = new ArrayList<>(enrollments);
        all.addAll(signed);
        all.addAll(registry);
        for (Attacker.Answer answer : all) {
            assertThat(answer.bytesSent()).as("bytes the attacker got out before being cut off: " + answer.head())
                    .isLessThan(CUT_OFF);
            assertThat(answer.status()).as(answer.head()).isIn(0, 401, 413, 429);
        }
        record("endless chunked bodies (4 public, 4 signed-path to the gateway, 2 to the registry)", window,
                "largest upload accepted before the cut: " + all.stream().mapToLong(Attacker.Answer::bytesSent).max()
                        .orElse(0) / 1024 + " KiB of 1 GiB");
    }

    /** Thousands of requests with made-up key ids: the per-address limit cuts the attacker off, nobody else. */
    @Test
    @Order(2)
    void aFloodOfUnknownKeysIsCutOffAtItsAddressOnly() throws Exception {
        Window window = Window.open();
        AtomicInteger counter = new AtomicInteger();
        List<Attacker.Answer> answers = parallel(8, 1500, () -> Attacker.request(gatewayPort(), "GET", "/api/v1/channels",
                Map.of("X-Api-Key", "fk_unknown_" + counter.incrementAndGet(),
                        "X-Timestamp", Long.toString(System.currentTimeMillis() / 1000),
                        "X-Nonce", java.util.UUID.randomUUID().toString(), "X-Signature", "AAAA"), null));
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        answers.forEach(a -> statuses.merge(a.status(), 1, Integer::sum));
        assertThat(statuses.keySet()).as("statuses " + statuses).allMatch(s -> s == 401 || s == 429);
        assertThat(statuses.getOrDefault(429, 0)).as("the address is cut off: " + statuses).isGreaterThan(1000);
        record("1,500 requests with made-up API keys from one address", window, "answers " + statuses);
    }

    /** Parallel status requests to every replica: each one shares a digest computed once per change. */
    @Test
    @Order(3)
    void aStatusStormOnEveryReplicaStaysCheap() throws Exception {
        Window window = Window.open();
        BrokerCluster brokers = suite.brokers();
        AtomicInteger next = new AtomicInteger();
        List<Attacker.Answer> answers = parallel(32, 800, () -> Attacker.request(
                brokers.replica(next.getAndIncrement() % brokers.n()).httpPort(), "GET", "/api/v1/replica", Map.of(), null));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        record("800 parallel GET /api/v1/replica over the 4 replicas", window, "all answered 200");
    }

    /** WebSockets that never send CONNECT, far more than each replica lets wait: consoles still get in. */
    @Test
    @Order(4)
    void silentWebSocketsLockNoConsoleOut() throws Exception {
        Window window = Window.open();
        BrokerCluster brokers = suite.brokers();
        List<Socket> silent = new ArrayList<>();
        try {
            for (int r = 0; r < brokers.n(); r++) {
                for (int i = 0; i < 250; i++) {
                    silent.add(Attacker.silentWebSocket(brokers.replica(r).httpPort()));
                }
            }
            // while they hang: a new console connects to every replica and gets the channel from its start
            Map<Long, Boolean> seen = new ConcurrentHashMap<>();
            ConsoleListener newcomer = new ConsoleListener() {
                @Override
                public void onEvent(VotedEvent event) {
                    seen.put(event.channelSeq(), true);
                }
            };
            GatewayClient consoleKey = admin.withApiKey(Principals.create(admin, "late-console", "CONSOLE").apiKey());
            long target = traffic.acknowledged.size();
            try (ConsoleClient late = ConsoleClient.open(consoleKey, newcomer)) {
                late.subscribe(TAG, 1);
                BrokerCluster.await("a console connecting amid 1,000 silent sockets to catch up", Duration.ofSeconds(60),
                        () -> seen.size() >= target);
                assertThat(late.silentReplicas(Duration.ofSeconds(30))).isEmpty();
            }
        } finally {
            for (Socket socket : silent) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already closed by the replica
                }
            }
        }
        record("250 silent WebSockets per replica", window, "a new console connected and caught up meanwhile");
    }

    /** The replicas' channel reads: nothing without a console token of the registry (T25). */
    @Test
    @Order(5)
    void channelReadsOfEveryReplicaNeedARegistryToken() throws Exception {
        Window window = Window.open();
        BrokerCluster brokers = suite.brokers();
        String forged;
        try (ConsoleTokenFixture otherIssuer = new ConsoleTokenFixture()) {
            forged = otherIssuer.token("intruder", List.of("*"), Instant.now().plusSeconds(600));
        }
        for (int r = 0; r < brokers.n(); r++) {
            int port = brokers.replica(r).httpPort();
            Attacker.Answer anonymous = Attacker.request(port, "GET", "/api/v1/channels/" + TAG + "/events", Map.of(), null);
            assertThat(anonymous.status()).as(anonymous.head()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"code\":\"UNAUTHENTICATED\"");
            Attacker.Answer withForged = Attacker.request(port, "GET", "/api/v1/channels/" + TAG + "/events",
                    Map.of("Authorization", "Bearer " + forged), null);
            assertThat(withForged.status()).as(withForged.head()).isEqualTo(401);
        }
        record("anonymous and forged-token channel reads on every replica", window, "401 on each");
    }

    /** A principal with a valid key floods signed requests: it gets 429s, the nonce store and everyone else go on. */
    @Test
    @Order(6)
    void aPrincipalFloodingSignedRequestsHurtsOnlyItself() throws Exception {
        Window window = Window.open();
        Principals.Created hostile = Principals.create(admin, "hostile-console", "CONSOLE");
        SignedHttp http = suite.gatewayClient();
        SignedHttp.ApiKey key = new SignedHttp.ApiKey(hostile.apiKey().keyId(), hostile.apiKey().secret());
        List<Integer> statuses = parallel(8, 2000, () -> http.get(key, "/api/v1/cluster/none").statusCode());
        Map<Integer, Integer> counted = new java.util.TreeMap<>();
        statuses.forEach(s -> counted.merge(s, 1, Integer::sum));
        assertThat(counted.keySet()).as("statuses " + counted).allMatch(s -> s == 404 || s == 429);
        assertThat(counted.getOrDefault(429, 0)).as(counted.toString()).isGreaterThan(0);
        // its own limit refills: a second later it is served again
        Thread.sleep(2000);
        HttpResponse<String> after = http.get(key, "/api/v1/channels/" + TAG);
        assertThat(after.statusCode()).as(after.body()).isIn(200, 403);
        record("2,000 signed requests of one principal (its rate: 50/s, burst 100)", window, "answers " + counted);
    }

    /** Media types, methods and bodies the API does not take: 4xx problem+json, never a 5xx. */
    @Test
    @Order(7)
    void unexpectedMediaTypesAndMethodsGetProblemDocuments() throws Exception {
        Window window = Window.open();
        byte[] multipart = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n"
                .getBytes(StandardCharsets.UTF_8);
        List<Attacker.Answer> answers = new ArrayList<>();
        for (String path : List.of("/api/v1/channels", "/api/v1/channels/" + TAG + "/events", "/api/v1/enrollments")) {
            answers.add(Attacker.request(gatewayPort(), "POST", path,
                    Map.of("Content-Type", "multipart/form-data; boundary=b"), multipart));
            answers.add(Attacker.request(gatewayPort(), "TRACE", path, Map.of(), null));
        }
        int replicaPort = suite.brokers().replica(0).httpPort();
        answers.add(Attacker.request(replicaPort, "TRACE", "/api/v1/channels", Map.of(), null));
        answers.add(Attacker.request(replicaPort, "POST", "/api/v1/channels",
                Map.of("Content-Type", "multipart/form-data; boundary=b"), multipart));
        for (Attacker.Answer answer : answers) {
            assertThat(answer.status()).as(answer.head() + "\n" + answer.body()).isBetween(400, 499);
            assertThat(answer.head().toLowerCase()).as(answer.head() + "\n" + answer.body())
                    .contains("content-type: application/problem+json");
        }
        record("multipart bodies and TRACE on gateway and replica paths", window, "4xx problem+json each");
    }

    /**
     * A probe key stolen, its certificate revoked by the administrator: the gateway refuses the
     * thief, and every replica holds the key as revoked in its agreed state, so a gateway that did
     * not check (or a client reaching the replicas) gets nowhere either.
     */
    @Test
    @Order(8)
    void aRevokedProbeCertificateIsRefusedAndEveryReplicaHoldsItRevoked() throws Exception {
        Window window = Window.open();
        ProbeClient stolen = Principals.enrolledProbe(admin, "stolen-probe",
                Files.createTempDirectory(Path.of("target"), "stolen-probe-"));
        stolen.register(TAG);
        assertThat(stolen.publish(TAG, JsonNodeFactory.instance.objectNode().put("before", true)).status())
                .isEqualTo(fitmon.client.probe.PublishResult.Status.APPENDED);
        String serial = admin.get("/api/v1/principals/stolen-probe").at("/certificates/0/serial").asString();
        assertThat(admin.post("/api/v1/certificates/" + serial + "/revoke", null, false).get("replicas").asString())
                .isEqualTo("REVOKED");

        fitmon.client.probe.PublishResult after;
        try {
            after = stolen.publish(TAG, JsonNodeFactory.instance.objectNode().put("after", true));
        } catch (fitmon.client.http.GatewayProblemException refused) {
            assertThat(refused.code()).isEqualTo("CERTIFICATE_REVOKED");
            after = null;
        }
        if (after != null) {
            assertThat(after.code()).isEqualTo("CERTIFICATE_REVOKED");
        }
        BrokerCluster brokers = suite.brokers();
        for (int r = 0; r < brokers.n(); r++) {
            boolean revoked = false;
            for (var key : brokers.get(r, "/api/v1/channels/" + TAG).get("probeKeys")) {
                if (key.toString().contains("stolen-probe")) {
                    revoked = key.get("revoked").asBoolean();
                }
            }
            assertThat(revoked).as("replica %d holds the stolen probe's key revoked", r).isTrue();
        }
        record("a stolen probe key, its certificate revoked", window, "refused at the gateway, revoked on every replica");
    }

    /** After every attack: all services up, every acknowledged event voted once, latency reported. */
    @Test
    @Order(100)
    void everyServiceSurvivedAndTheLegitimateTrafficLostNothing() throws Exception {
        Thread.sleep(1000);
        traffic.close();
        BrokerCluster.await("the console to release every acknowledged event", Duration.ofSeconds(60),
                traffic::allAcknowledgedDelivered);

        List<ServiceProcess> services = new ArrayList<>(List.of(suite.registryProcess(), suite.gatewayProcess()));
        for (int r = 0; r < suite.brokers().n(); r++) {
            services.add(suite.brokers().replica(r));
        }
        StringBuilder heap = new StringBuilder();
        for (ServiceProcess service : services) {
            assertThat(service.alive()).as(service.name() + " is up (see " + service.logFile() + ")").isTrue();
            heap.append(service.name()).append(' ').append(HeapReading.usedMegabytes(service.httpPort())).append(" MB; ");
        }
        writeReport(heap.toString());

        assertThat(traffic.failures).as("failed legitimate publishes").isEmpty();
        assertThat(traffic.acknowledged).as("acknowledged").hasSizeGreaterThan(50);
        assertThat(traffic.delivered).as("each delivered once")
                .allSatisfy((seq, count) -> assertThat(count).as("seq " + seq).isEqualTo(1));
        assertThat(traffic.deliveredInOrder).as("in channel order").isSorted();
        assertThat(traffic.consoleProblems).as("console sessions lost or refused, bad signatures").isEmpty();
    }

    private static void writeReport(String heap) throws IOException {
        StringBuilder text = new StringBuilder("# Abuse suite\n\n| attack | duration | outcome | legitimate publishes during the attack |\n|---|---|---|---|\n");
        report.forEach((attack, line) -> text.append("| ").append(attack).append(" | ").append(line).append(" |\n"));
        text.append("\nLegitimate probe, one event per 100 ms through every attack: ").append(traffic.acknowledged.size())
                .append(" acknowledged, ").append(traffic.failures.size()).append(" failed, ").append(retries.get())
                .append(" client retries; publish latency p50 ").append(traffic.quantile(0.5)).append(" ms, p99 ")
                .append(traffic.quantile(0.99)).append(" ms, max ").append(traffic.quantile(1.0)).append(" ms.\n")
                .append("Console: ").append(traffic.delivered.size()).append(" events released by the vote.\n")
                .append("Heap used at the end (limit 256 MB each): ").append(heap).append('\n');
        Files.writeString(Path.of("target", "abuse-report.md"), text.toString());
        System.out.println(text);
    }
}
