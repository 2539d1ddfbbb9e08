package fitmon.client.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import fitmon.client.cli.CliRun;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.core.vote.Disagreement;
import fitmon.testkit.FitmonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The voting console against the whole back end in real processes, with replica 3 deliberately
 * altering every event it delivers (the test-only switch): consoles must out-vote it and name it.
 */
class ConsoleClientIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ALTERING_REPLICA = 3;
    private static FitmonSuite suite;
    private static GatewayClient admin;
    private static GatewayClient console;
    private static ApiKey consoleKey;
    private static ProbeClient probe;

    @BeforeAll
    static void startSuite() throws Exception {
        Path directory = Files.createTempDirectory(Path.of("target"), "it-console-");
        suite = FitmonSuite.start(directory, 1, List.of(), List.of("--fitmon.broker.delivery.max-queued=200"),
                Map.of(ALTERING_REPLICA, List.of("-Dfitmon.test.allow-fault-injection=true",
                        "--fitmon.broker.delivery.fault-injection.alter-events=true")));
        admin = GatewayClient.builder(suite.gatewayUrl())
                .apiKey(new ApiKey(suite.adminKey().keyId(), suite.adminKey().secret())).build();
        consoleKey = Principals.create(admin, "console-it", "CONSOLE").apiKey();
        console = admin.withApiKey(consoleKey);
        probe = Principals.enrolledProbe(admin, "probe-it", directory.resolve("probe"));
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    private static void channel(String tag) {
        admin.post("/api/v1/channels", JsonNodeFactory.instance.objectNode().put("tag", tag).put("class", "BFT"), false);
        probe.register(tag);
    }

    private static List<Long> publish(String tag, int count, int padding) {
        List<JsonNode> data = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode item = JsonNodeFactory.instance.objectNode().put("load1", i / 10.0).put("i", i);
            if (padding > 0) {
                item.put("pad", "x".repeat(padding));
            }
            data.add(item);
        }
        return probe.publish(tag, data).stream().map(result -> result.channelSeq()).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }

    @Test
    void aReplicaAlteringDeliveriesIsOutvotedAndNamed() throws Exception {
        channel("it.altered");
        RecordingConsole seen = new RecordingConsole();
        try (ConsoleClient client = ConsoleClient.open(console, seen)) {
            client.subscribe("it.altered");
            List<Long> published = publish("it.altered", 20, 0);
            assertThat(published).isEqualTo(range(1, 20));

            seen.awaitEvents(20, Duration.ofSeconds(60));
            assertThat(seen.channelSeqs()).isEqualTo(range(1, 20));
            for (VotedEvent event : seen.events) {
                assertThat(event.agreeing()).doesNotContain(ALTERING_REPLICA).hasSizeGreaterThanOrEqualTo(2);
                assertThat(event.votes()).isGreaterThanOrEqualTo(2);
                assertThat(event.signature()).isEqualTo(SignatureStatus.VERIFIED);
                assertThat(event.event().data().get("i").asLong()).isEqualTo(event.channelSeq() - 1);
                assertThat(event.event().probeId()).isEqualTo("probe-it");
            }
            RecordingConsole.await(() -> client.disagreeingReplicas().contains(ALTERING_REPLICA), Duration.ofSeconds(30),
                    () -> "replica 3 named; disagreements so far " + seen.disagreements);
            assertThat(client.disagreeingReplicas()).containsExactly(ALTERING_REPLICA);
            assertThat(seen.disagreements).extracting(Disagreement::replica).containsOnly(ALTERING_REPLICA);
        }
    }

    @Test
    void aConsoleResumingFromItsLastSequenceGetsEveryMissedEventExactlyOnce() throws Exception {
        channel("it.resume");
        RecordingConsole first = new RecordingConsole();
        try (ConsoleClient client = ConsoleClient.open(console, first)) {
            client.subscribe("it.resume");
            publish("it.resume", 5, 0);
            first.awaitEvents(5, Duration.ofSeconds(60));
        }
        long last = first.events.get(first.events.size() - 1).channelSeq();
        assertThat(last).isEqualTo(5);

        publish("it.resume", 7, 0); // while no console listens

        RecordingConsole second = new RecordingConsole();
        try (ConsoleClient client = ConsoleClient.open(console, second)) {
            client.subscribe("it.resume", last + 1);
            second.awaitEvents(7, Duration.ofSeconds(60));
            publish("it.resume", 3, 0);
            second.awaitEvents(10, Duration.ofSeconds(60));
            Thread.sleep(500); // a duplicate would arrive now
            assertThat(second.channelSeqs()).isEqualTo(range(6, 15));
        }
    }

    @Test
    void aConsoleThatStopsReadingIsCutOffWithoutHoldingUpTheOthers() throws Exception {
        channel("it.slow");
        String token = console.post("/api/v1/tokens", null, true).get("token").asString();
        RecordingConsole fast = new RecordingConsole();
        try (ConsoleClient client = ConsoleClient.open(console, fast)) {
            client.subscribe("it.slow");
            // f+1 replicas confirmed the subscription; the others may apply it a moment later, and
            // a replica under load may lag further: stall the console on whichever lists it first
            int[] stalledOn = {-1};
            RecordingConsole.await(() -> (stalledOn[0] = replicaListingSubscriber("it.slow", "console-it")) >= 0,
                    Duration.ofSeconds(60), () -> "a replica to list console-it as subscriber; replicas: " + replicaStates());
            int replica = stalledOn[0];
            URI stompUrl = URI.create(console.get("/api/v1/cluster").at("/replicas/" + replica + "/stompUrl").asString());
            try (StalledConsole stalled = new StalledConsole(stompUrl, token, "it.slow")) {
                int published = 0;
                // 16 KiB events until that replica has cut the stalled console off (bounded)
                for (int batch = 0; batch < 60 && slowConsumers(replica) == 0; batch++) {
                    published += publish("it.slow", 50, 16 * 1024).size();
                }
                assertThat(slowConsumers(replica)).as("replica " + replica + " cut the stalled console off").isGreaterThanOrEqualTo(1);
                fast.awaitEvents(published, Duration.ofSeconds(120));
                assertThat(fast.channelSeqs()).isEqualTo(range(1, published));
            }
        }
    }

    @Test
    void fitmonTailPrintsEachVotedEventWithItsVotesAndNamesTheAlteringReplica() throws Exception {
        channel("it.tail");
        publish("it.tail", 3, 0);
        CliRun run = CliRun.run(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_ID", consoleKey.keyId(),
                "FITMON_KEY_SECRET", consoleKey.secret()), "tail", "it.tail", "--from-seq", "1", "--count", "3",
                "--timeout", "60");
        System.out.println("fitmon tail it.tail --from-seq 1 --count 3\n" + run.out() + run.err());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(i)).startsWith("#" + (i + 1) + " ").contains(" probe-it/")
                    .containsPattern(" votes [234]/4 ").contains(" sig VERIFIED ").contains("\"i\":" + i);
        }
        assertThat(run.err()).contains("following it.tail on 4 replicas (f=1)");

        CliRun refused = CliRun.run(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_ID", consoleKey.keyId(),
                "FITMON_KEY_SECRET", consoleKey.secret()), "tail", "it.none", "--count", "1");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("it.none");
    }

    private static int replicaListingSubscriber(String tag, String subscriber) {
        for (int replica = 0; replica < 4; replica++) {
            JsonNode channel = suite.brokers().get(replica, "/api/v1/channels/" + tag);
            if (channel != null && channel.path("subscribers").toString().contains(subscriber)) {
                return replica;
            }
        }
        return -1;
    }

    private static List<String> replicaStates() {
        List<String> states = new ArrayList<>();
        for (int replica = 0; replica < 4; replica++) {
            states.add(replica + ": " + suite.brokers().replicaStatus(replica));
        }
        return states;
    }

    private static double slowConsumers(int replica) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(suite.brokers().httpUrl(replica) + "/actuator/metrics/fitmon.delivery.slow.consumers")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return 0;
        }
        return JSON.readTree(response.body()).at("/measurements/0/value").asDouble();
    }
}
