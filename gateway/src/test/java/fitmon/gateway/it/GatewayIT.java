package fitmon.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import fitmon.core.auth.RequestSigning;
import fitmon.core.command.CommandCodec;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FitmonSuite;
import fitmon.testkit.SignedHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of the real registry and four real replicas, each in its own process:
 * the happy path from bootstrap admin to events in every replica's log, and every way a request
 * can be refused before it reaches the replicated state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class GatewayIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static FitmonSuite suite;
    private static SignedHttp gateway;
    private static SignedHttp.ApiKey admin;

    @BeforeAll
    static void start() throws Exception {
        // a new directory per run: the registry keeps its database there
        suite = FitmonSuite.start(java.nio.file.Files.createTempDirectory(Path.of("target"), "it-gateway-"), 1, List.of(
                // no Tick during the test: replica digests change only with client commands
                "--fitmon.gateway.cluster.tick-interval=1h",
                "--fitmon.gateway.registry.cache-ttl=1s",
                // revocations made at the registry behind the gateway's back reach the replicas quickly
                "--fitmon.gateway.revocation.interval=2s",
                // one command in flight at a time, so the priority test saturates the gateway;
                // enough request threads that waiting requests queue in the scheduler, not in Tomcat
                "--fitmon.gateway.admission.concurrency=1",
                // the fuzz sends hundreds of unauthenticated and failing requests from this one
                // address; the per-address limit has its own test (GatewayAdmissionTest)
                "--fitmon.gateway.admission.client-burst=100000",
                "--server.tomcat.threads.max=400"));
        gateway = suite.gatewayClient();
        admin = suite.adminKey();
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void clusterMapAndOpenApiArePublic() {
        HttpResponse<String> cluster = gateway.get(null, "/api/v1/cluster");
        assertThat(cluster.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(cluster.body());
        assertThat(body.get("n").asInt()).isEqualTo(4);
        assertThat(body.get("f").asInt()).isEqualTo(1);
        assertThat(body.get("replicas")).hasSize(4);
        assertThat(body.at("/replicas/2/stompUrl").asString()).startsWith("ws://127.0.0.1:").endsWith("/ws");

        HttpResponse<String> openApi = gateway.get(null, "/v3/api-docs");
        assertThat(openApi.statusCode()).isEqualTo(200);
        JsonNode paths = JSON.readTree(openApi.body()).get("paths");
        assertThat(paths.has("/api/v1/channels")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/events")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/registrations")).isTrue();
        assertThat(paths.has("/api/v1/channels/{tag}/subscriptions")).isTrue();
        assertThat(paths.has("/api/v1/cluster")).isTrue();
    }

    @Test
    @Order(2)
    void enrolledProbePublishesSingleAndBatchAndEveryReplicaLogsThem() throws Exception {
        EnrolledProbe probe = EnrolledProbe.enroll(gateway, admin, "web-01", SignatureAlgorithm.ED25519);
        created(gateway.post(admin, "/api/v1/channels", "{\"tag\":\"host.cpu\",\"class\":\"BFT\"}"));
        created(gateway.post(probe.apiKey, "/api/v1/channels/host.cpu/registrations", ""));

        HttpResponse<String> single = gateway.post(probe.apiKey, "/api/v1/channels/host.cpu/events", probe.next("host.cpu"));
        assertThat(single.statusCode()).as(single.body()).isEqualTo(202);
        assertThat(JSON.readTree(single.body()).get("channelSeqs").toString()).isEqualTo("[1]");

        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(probe.next("host.cpu"));
        }
        HttpResponse<String> published = gateway.post(probe.apiKey, "/api/v1/channels/host.cpu/events",
                "{\"events\":[" + String.join(",", batch) + "]}");
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
        assertThat(JSON.readTree(published.body()).get("channelSeqs").toString()).isEqualTo("[2,3,4,5,6]");

        BrokerCluster brokers = suite.brokers();
        BrokerCluster.await("every replica to log 6 events", Duration.ofSeconds(30),
                () -> allReplicasLogged(brokers, "host.cpu", 6));
        List<String> first = brokers.log(0, "host.cpu");
        for (int i = 1; i < brokers.n(); i++) {
            assertThat(brokers.log(i, "host.cpu")).isEqualTo(first);
        }
        assertThat(first.get(5)).contains("\"probeId\":\"web-01\"").contains("\"seq\":6").contains("\"alg\":\"Ed25519\"");

        // the gateway's own voted reads
        JsonNode channel = JSON.readTree(ok(gateway.get(admin, "/api/v1/channels/host.cpu")).body());
        assertThat(channel.get("lastSeq").asLong()).isEqualTo(6);
        assertThat(channel.get("probes").toString()).contains("web-01");
        JsonNode page = JSON.readTree(ok(gateway.get(admin, "/api/v1/channels/host.cpu/events?fromSeq=5&limit=10")).body());
        assertThat(page.get("events")).hasSize(2);

        // a console subscribes and obtains a token for the replicas' STOMP endpoints
        SignedHttp.ApiKey console = EnrolledProbe.principal(gateway, admin, "console-1", "CONSOLE");
        JsonNode subscription = created(gateway.post(console, "/api/v1/channels/host.cpu/subscriptions", ""));
        assertThat(subscription.get("replicas")).hasSize(4);
        assertThat(subscription.get("destination").asString()).isEqualTo("/topic/channels/host.cpu");
        JsonNode token = created(gateway.post(console, "/api/v1/tokens", ""));
        assertThat(token.get("token").asString()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    @Order(3)
    void everyRefusedRequestGetsItsPreciseStatusAndLeavesTheReplicatedStateAlone() throws Exception {
        String tag = "auth.matrix";
        created(gateway.post(admin, "/api/v1/channels", "{\"tag\":\"" + tag + "\",\"class\":\"BFT\"}"));
        EnrolledProbe probeA = EnrolledProbe.enroll(gateway, admin, "probe-a", SignatureAlgorithm.ED25519);
        EnrolledProbe probeB = EnrolledProbe.enroll(gateway, admin, "probe-b", SignatureAlgorithm.ES256);
        EnrolledProbe probeC = EnrolledProbe.enroll(gateway, admin, "probe-c", SignatureAlgorithm.ED25519);
        for (EnrolledProbe probe : List.of(probeA, probeB, probeC)) {
            created(gateway.post(probe.apiKey, "/api/v1/channels/" + tag + "/registrations", ""));
        }
        SignedHttp.ApiKey console = EnrolledProbe.principal(gateway, admin, "console-matrix", "CONSOLE");

        // a revoked API key of probe-a
        JsonNode rotated = created(gateway.post(admin, "/api/v1/principals/probe-a/keys", ""));
        SignedHttp.ApiKey revokedKey = new SignedHttp.ApiKey(rotated.get("keyId").asString(), rotated.get("secret").asString());
        assertThat(gateway.send(admin, "DELETE", "/api/v1/principals/probe-a/keys/" + revokedKey.keyId(), null).statusCode())
                .isEqualTo(204);
        // probe-c's certificate revoked
        JsonNode probeCView = JSON.readTree(ok(gateway.get(admin, "/api/v1/principals/probe-c")).body());
        String serial = probeCView.at("/certificates/0/serial").asString();
        ok(gateway.post(admin, "/api/v1/certificates/" + serial + "/revoke", ""));
        Thread.sleep(1500); // the gateway's key cache (1 s here) forgets the old status

        String path = "/api/v1/channels/" + tag + "/events";
        Map<String, String> digestsBefore = digests();

        byte[] event = probeA.next(tag).getBytes(StandardCharsets.UTF_8);
        expect(gateway.raw("POST", path, event, Map.of()), 401, "MISSING_CREDENTIALS");
        expect(gateway.raw("POST", path, event, SignedHttp.headers(new SignedHttp.ApiKey("fk_nosuchkey", "x"), "POST", path, event)),
                401, "UNKNOWN_API_KEY");
        expect(gateway.raw("POST", path, event, SignedHttp.headers(revokedKey, "POST", path, event)), 401, "API_KEY_REVOKED");
        expect(gateway.raw("POST", path, event, SignedHttp.headers(new SignedHttp.ApiKey(probeA.apiKey.keyId(), "wrong-secret"),
                "POST", path, event)), 401, "BAD_SIGNATURE");
        Map<String, String> tampered = new HashMap<>(SignedHttp.headers(probeA.apiKey, "POST", path, event));
        expect(gateway.raw("POST", path, probeA.next(tag).getBytes(StandardCharsets.UTF_8), tampered), 401, "BAD_SIGNATURE");

        String stale = Long.toString(System.currentTimeMillis() / 1000 - 3600);
        Map<String, String> staleHeaders = new HashMap<>();
        staleHeaders.put(RequestSigning.HEADER_API_KEY, probeA.apiKey.keyId());
        staleHeaders.put(RequestSigning.HEADER_TIMESTAMP, stale);
        staleHeaders.put(RequestSigning.HEADER_NONCE, "stale-nonce-1");
        staleHeaders.put(RequestSigning.HEADER_SIGNATURE, RequestSigning.sign(RequestSigning.signingKey(probeA.apiKey.secret()),
                "POST", path, stale, "stale-nonce-1", event));
        expect(gateway.raw("POST", path, event, staleHeaders), 401, "STALE_TIMESTAMP");

        Map<String, String> once = SignedHttp.headers(probeA.apiKey, "GET", "/api/v1/channels", new byte[0]);
        assertThat(gateway.raw("GET", "/api/v1/channels", new byte[0], once).statusCode()).isEqualTo(200);
        expect(gateway.raw("GET", "/api/v1/channels", new byte[0], once), 401, "NONCE_REUSED");

        expect(gateway.post(console, path, probeA.next(tag)), 403, "FORBIDDEN");
        expect(gateway.post(probeC.apiKey, path, probeC.next(tag)), 403, "CERTIFICATE_REVOKED");
        expect(gateway.post(probeC.apiKey, "/api/v1/channels/" + tag + "/registrations", ""), 403, "CERTIFICATE_REVOKED");
        expect(gateway.post(probeA.apiKey, path, probeA.nextSignedBy(tag, probeB.signer)), 403, "SIGNATURE_INVALID");
        expect(gateway.post(probeA.apiKey, path, probeA.impersonating("probe-b", tag)), 403, "PROBE_MISMATCH");
        expect(gateway.post(console, "/api/v1/principals", "{\"name\":\"evil\",\"kind\":\"ADMIN\"}"), 403, null);

        assertThat(digests()).as("replica digests after the refused requests").isEqualTo(digestsBefore);
        for (int i = 0; i < suite.brokers().n(); i++) {
            assertThat(suite.brokers().log(i, tag)).isEmpty();
        }

        // and the same probe, correctly signed, is accepted: the refusals above were not a broken setup
        HttpResponse<String> accepted = gateway.post(probeA.apiKey, path, probeA.next(tag));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    }

    @Test
    @Order(4)
    void malformedRequestsNeverGetA5xx() {
        GatewayFuzz fuzz = new GatewayFuzz(20261123L, admin);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            GatewayFuzz.Request request = fuzz.next();
            HttpResponse<String> response = gateway.raw(request.method(), request.path(), request.body(), request.headers());
            if (response.statusCode() >= 500) {
                failures.add(request.describe() + " -> " + response.statusCode() + " " + response.body());
            } else if (response.statusCode() >= 400
                    && !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                failures.add(request.describe() + " -> " + response.statusCode() + " without problem+json: "
                        + response.headers().firstValue("Content-Type").orElse("(none)"));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(5)
    void highPriorityRequestsOvertakeALowPriorityFloodWhichStillCompletes() throws Exception {
        created(gateway.post(admin, "/api/v1/roles",
                "{\"name\":\"bulk\",\"priority\":5,\"permissions\":[{\"action\":\"ADMIN\",\"tagPattern\":\"bulk.*\"}]}"));
        created(gateway.post(admin, "/api/v1/groups", "{\"name\":\"bulk\",\"roles\":[\"bulk\"]}"));
        JsonNode loader = created(gateway.post(admin, "/api/v1/principals",
                "{\"name\":\"bulk-loader\",\"kind\":\"OPERATOR\",\"groups\":[\"bulk\"]}"));
        SignedHttp.ApiKey low = new SignedHttp.ApiKey(loader.at("/apiKey/keyId").asString(), loader.at("/apiKey/secret").asString());

        PriorityRace race = new PriorityRace(gateway);
        race.flood(low, 300, i -> "{\"tag\":\"bulk." + i + "\",\"class\":\"CFT_O\"}");
        race.awaitCompleted(20, Duration.ofSeconds(60));
        race.burst(admin, 20, i -> "{\"tag\":\"vip." + i + "\",\"class\":\"BFT\"}");
        PriorityRace.Outcome outcome = race.awaitAll(Duration.ofMinutes(4));

        assertThat(outcome.statuses()).as("every request, flood included, completes").containsOnly(201);
        assertThat(outcome.lowCompletedAfterLastHigh())
                .as("low-priority requests still waiting when the last high-priority one completed")
                .isGreaterThanOrEqualTo(100);
    }

    @Test
    @Order(6)
    void concurrentPublishesToOneChannelTravelTogetherAndEachGetsItsOwnSequenceNumbers() throws Exception {
        created(gateway.post(admin, "/api/v1/channels", "{\"tag\":\"rack.power\",\"class\":\"BFT\"}"));
        List<EnrolledProbe> probes = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            EnrolledProbe probe = EnrolledProbe.enroll(gateway, admin, "pdu-" + p, SignatureAlgorithm.ED25519);
            created(gateway.post(probe.apiKey, "/api/v1/channels/rack.power/registrations", ""));
            probes.add(probe);
        }
        double commandsBefore = gatewayMetric("fitmon_gateway_publish_commands_total");
        double requestsBefore = gatewayMetric("fitmon_gateway_publish_requests_total");

        int each = 15;
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(probes.size());
        Map<String, List<Long>> seqsByProbe = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (EnrolledProbe probe : probes) {
                done.add(writers.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        HttpResponse<String> answer = gateway.post(probe.apiKey, "/api/v1/channels/rack.power/events",
                                probe.next("rack.power"));
                        if (answer.statusCode() != 202) {
                            failures.add(answer.statusCode() + " " + answer.body());
                            return;
                        }
                        JsonNode seqs = JSON.readTree(answer.body()).get("channelSeqs");
                        if (seqs.size() != 1) {
                            failures.add("one event, " + seqs.size() + " sequence numbers: " + answer.body());
                            return;
                        }
                        mine.add(seqs.get(0).asLong());
                    }
                    seqsByProbe.put(probe.probeId, mine);
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(3, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(failures).isEmpty();
        List<Long> all = seqsByProbe.values().stream().flatMap(List::stream).sorted().toList();
        assertThat(all).as("every request its own sequence number, none lost, none twice")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, (long) probes.size() * each).boxed().toList());
        for (List<Long> mine : seqsByProbe.values()) {
            assertThat(mine).as("a probe's events keep the order of its requests").isSorted();
        }
        double commands = gatewayMetric("fitmon_gateway_publish_commands_total") - commandsBefore;
        double requests = gatewayMetric("fitmon_gateway_publish_requests_total") - requestsBefore;
        assertThat(requests).isEqualTo(probes.size() * each);
        assertThat(commands).as("with one command in flight at a time (admission.concurrency=1), requests that "
                + "arrived meanwhile travelled together").isLessThan(requests);

        BrokerCluster brokers = suite.brokers();
        BrokerCluster.await("every replica to log every event", Duration.ofSeconds(30),
                () -> allReplicasLogged(brokers, "rack.power", probes.size() * each));
        for (int i = 1; i < brokers.n(); i++) {
            assertThat(brokers.log(i, "rack.power")).isEqualTo(brokers.log(0, "rack.power"));
        }
    }

    /** An enrolled Ed25519 probe registered on a new BFT channel. */
    private EnrolledProbe probeRegisteredOnNewChannel(String name, String tag) throws Exception {
        EnrolledProbe probe = EnrolledProbe.enroll(gateway, admin, name, SignatureAlgorithm.ED25519);
        created(gateway.post(admin, "/api/v1/channels", "{\"tag\":\"" + tag + "\",\"class\":\"BFT\"}"));
        created(gateway.post(probe.apiKey, "/api/v1/channels/" + tag + "/registrations", ""));
        return probe;
    }

    @Test
    @Order(7)
    void aRevokedProbeCertificateIsRefusedByEveryReplicaEvenForAnEventThatBypassesTheGateway() throws Exception {
        String tag = "revoked.direct";
        EnrolledProbe probe = probeRegisteredOnNewChannel("probe-revoked", tag);
        assertThat(gateway.post(probe.apiKey, "/api/v1/channels/" + tag + "/events", probe.next(tag)).statusCode())
                .isEqualTo(202);

        String serial = JSON.readTree(ok(gateway.get(admin, "/api/v1/principals/probe-revoked")).body())
                .at("/certificates/0/serial").asString();
        JsonNode revoked = JSON.readTree(ok(gateway.post(admin, "/api/v1/certificates/" + serial + "/revoke", "")).body());
        assertThat(revoked.get("replicas").asString()).as("ordered before the answer").isEqualTo("REVOKED");

        // a client holding a gateway certificate orders the probe's next event straight to the
        // replicas: no gateway check stands in the way, only the replicas' agreed revoked set
        try (OrderingClient direct = DirectOrdering.connect(suite, "it-direct", 1001)) {
            byte[] event = probe.next(tag).getBytes(StandardCharsets.UTF_8);
            CommandResult result = ResultCodec.decode(direct.submitOrdered(
                    CommandCodec.encode(new Publish(tag, List.of(event)))).get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(result).as("f+1 replicas agreed").isInstanceOfSatisfying(CommandResult.Published.class,
                    p -> assertThat(p.outcomes()).singleElement().isInstanceOfSatisfying(EventOutcome.Refused.class,
                            r -> assertThat(r.reason()).isEqualTo(RejectReason.CERTIFICATE_REVOKED)));
        }
        BrokerCluster brokers = suite.brokers();
        brokers.awaitSameDigest(List.of(0, 1, 2, 3), Duration.ofSeconds(30));
        for (int i = 0; i < brokers.n(); i++) {
            assertThat(brokers.log(i, tag)).as("replica %d logs only the event before the revocation", i).hasSize(1);
            assertThat(brokers.get(i, "/api/v1/channels/" + tag).at("/probeKeys/0/revoked").asBoolean())
                    .as("replica %d shows the key revoked", i).isTrue();
        }
    }

    @Test
    @Order(8)
    void aRevocationMadeAtTheRegistryBehindTheGatewaysBackReachesEveryReplica() throws Exception {
        String tag = "revoked.behind";
        EnrolledProbe probe = probeRegisteredOnNewChannel("probe-behind", tag);
        String serial = JSON.readTree(ok(gateway.get(admin, "/api/v1/principals/probe-behind")).body())
                .at("/certificates/0/serial").asString();

        // as if no gateway had run: straight to the registry, as the bootstrap admin
        HttpResponse<String> atRegistry = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(suite.registryUrl() + "/api/v1/certificates/" + serial + "/revoke"))
                .header("X-Fitmon-Service-Token", suite.serviceToken()).header("X-Fitmon-Principal", "admin")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(atRegistry.statusCode()).as(atRegistry.body()).isEqualTo(200);

        BrokerCluster brokers = suite.brokers();
        BrokerCluster.await("every replica to learn the revocation from the gateway's reconciliation", Duration.ofSeconds(30),
                () -> java.util.stream.IntStream.range(0, brokers.n()).allMatch(i -> {
                    JsonNode channel = brokers.get(i, "/api/v1/channels/" + tag);
                    return channel != null && channel.at("/probeKeys/0/revoked").asBoolean();
                }));
    }

    /**
     * Threat T12: a gateway key suspected stolen. The administrator finds its certificate in the
     * registry's list and revokes it through the API; from the next ordered command on every
     * replica refuses what it signs. A gateway whose own certificate was revoked gets a new one
     * and goes on without its callers seeing a refusal.
     */
    @Test
    @Order(9)
    void aRevokedGatewayCertificateIsRefusedByEveryReplicaAndARevokedGatewayRecertifies() throws Exception {
        try (OrderingClient stolen = DirectOrdering.connect(suite, "it-stolen", 1002)) {
            assertThat(ResultCodec.decode(stolen.submitOrdered(CommandCodec.encode(
                    CreateChannel.withDefaults("stolen.before", ChannelClass.BFT))).get(60, java.util.concurrent.TimeUnit.SECONDS)))
                    .isInstanceOf(CommandResult.Accepted.class);

            String serial = gatewayCertificates("it-stolen").get(0).get("serial").asString();
            JsonNode revoked = JSON.readTree(ok(gateway.post(admin, "/api/v1/certificates/" + serial + "/revoke", "")).body());
            assertThat(revoked.get("kind").asString()).isEqualTo("GATEWAY");
            assertThat(revoked.get("replicas").asString()).as("ordered before the answer").isEqualTo("REVOKED");

            CommandResult after = ResultCodec.decode(stolen.submitOrdered(CommandCodec.encode(
                    CreateChannel.withDefaults("stolen.after", ChannelClass.BFT))).get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(after).as("f+1 replicas agreed").isInstanceOfSatisfying(CommandResult.Rejected.class,
                    r -> assertThat(r.reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED));
        }
        BrokerCluster brokers = suite.brokers();
        for (int i = 0; i < brokers.n(); i++) {
            assertThat(brokers.get(i, "/api/v1/channels/stolen.before")).as("replica %d", i).isNotNull();
            assertThat(brokers.raw(i, "/api/v1/channels/stolen.after").statusCode()).as("replica %d", i).isEqualTo(404);
        }

        // the suite's own gateway: its current certificate revoked (the revocation is the last
        // command it signs with it), then every request still succeeds under a new certificate
        String name = "gateway-1"; // the gateway's default name (fitmon.gateway.cluster.name)
        String own = gatewayCertificates(name).get(0).get("serial").asString();
        assertThat(JSON.readTree(ok(gateway.post(admin, "/api/v1/certificates/" + own + "/revoke", "")).body())
                .get("replicas").asString()).isEqualTo("REVOKED");
        for (int i = 0; i < 3; i++) {
            created(gateway.post(admin, "/api/v1/channels", "{\"tag\":\"recertified." + i + "\",\"class\":\"BFT\"}"));
        }
        List<JsonNode> mine = gatewayCertificates(name);
        assertThat(mine.get(0).get("serial").asString()).as("a newer certificate").isNotEqualTo(own);
        assertThat(mine.get(0).get("revokedAt").isNull()).isTrue();
    }

    /** The registry's unexpired gateway certificates of one gateway, newest first, through the gateway. */
    private static List<JsonNode> gatewayCertificates(String gatewayName) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode certificate : JSON.readTree(ok(gateway.get(admin, "/api/v1/gateway-certificates")).body())
                .get("gatewayCertificates")) {
            if (certificate.get("gateway").asString().equals(gatewayName)) {
                found.add(certificate);
            }
        }
        assertThat(found).as("gateway certificates of " + gatewayName).isNotEmpty();
        return found;
    }

    private static double gatewayMetric(String name) {
        HttpResponse<String> metrics = gateway.get(null, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Map<String, String> digests() {
        Map<String, String> digests = new HashMap<>();
        for (int i = 0; i < suite.brokers().n(); i++) {
            digests.put("replica-" + i, suite.brokers().digest(i));
        }
        return digests;
    }

    /** False while any replica has not applied the channel or its events yet (the wait around it retries). */
    private static boolean allReplicasLogged(BrokerCluster brokers, String tag, int events) {
        for (int i = 0; i < brokers.n(); i++) {
            try {
                if (brokers.log(i, tag).size() != events) {
                    return false;
                }
            } catch (IllegalStateException notYet) {
                return false; // a replica behind the others answers 404 for a channel it has not created yet
            }
        }
        return true;
    }

    static void expect(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        if (code != null) {
            assertThat(JSON.readTree(response.body()).get("code").asString()).as(response.body()).isEqualTo(code);
        }
    }

    static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
