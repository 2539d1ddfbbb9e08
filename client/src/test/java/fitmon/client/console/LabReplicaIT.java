package fitmon.client.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.testkit.FitmonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Replica 3 runs in lab mode and is told, one misbehaviour after the other, to lie: the whole
 * back end in real processes, two voting consoles on every replica, a probe publishing through the
 * gateway. Whatever replica 3 does, both consoles get every acknowledged event once, in channel
 * order, with the probe's data and a verified signature; where its lie is visible in what it sends
 * (altered, equivocated, replayed events) a console names it; the gateway's votes hide its false
 * replies and reads. Replica 0, not in lab mode, has no lab endpoint at all.
 */
class LabReplicaIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LYING = 3;
    private static final int EVENTS = 12;
    private static final String TOKEN = "lab-token-" + Long.toHexString(System.nanoTime()) + "-0123456789";

    private static FitmonSuite suite;
    private static GatewayClient admin;
    private static GatewayClient console;
    private static ProbeClient probe;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startSuite() throws Exception {
        Path directory = Files.createTempDirectory(Path.of("target"), "it-lab-");
        Path tokenFile = directory.resolve("lab-token");
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, TOKEN + "\n");
        suite = FitmonSuite.start(directory, 1, List.of(), List.of(), Map.of(LYING, List.of(
                "--fitmon.broker.lab.enabled=true", "--fitmon.broker.lab.token-file=" + tokenFile.toAbsolutePath())));
        admin = GatewayClient.builder(suite.gatewayUrl())
                .apiKey(new ApiKey(suite.adminKey().keyId(), suite.adminKey().secret())).build();
        console = admin.withApiKey(Principals.create(admin, "console-lab", "CONSOLE").apiKey());
        probe = Principals.enrolledProbe(admin, "probe-lab", directory.resolve("probe"));
    }

    @AfterAll
    static void stopSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    // ---------------------------------------------------------------- the misbehaviours

    @Test
    void alter() throws Exception {
        Seen seen = run("alter");
        assertThat(seen.named()).contains(LYING);
    }

    @Test
    void equivocate() throws Exception {
        Seen seen = run("equivocate");
        // the two consoles' sessions on replica 3 are consecutive: one of them got altered copies
        assertThat(seen.named()).contains(LYING);
    }

    @Test
    void replay() throws Exception {
        Seen seen = run("replay");
        assertThat(seen.named()).contains(LYING);
    }

    @Test
    void drop() throws Exception {
        run("drop");
    }

    @Test
    void delay() throws Exception {
        run("delay");
    }

    @Test
    void reorder() throws Exception {
        run("reorder");
    }

    @Test
    void wrongReplies() throws Exception {
        run("wrong-replies"); // every publish still answered with its true channel sequence
    }

    @Test
    void lyingReads() throws Exception {
        run("lying-reads", tag -> {
            JsonNode direct = JSON.readTree(suite.brokers().raw(LYING, "/api/v1/channels/" + tag).body());
            assertThat(direct.get("lastSeq").asLong()).as("replica 3 lies when asked alone").isGreaterThan(EVENTS);
            assertThat(admin.get("/api/v1/channels/" + tag).get("lastSeq").asLong())
                    .as("the gateway's voted read").isEqualTo(EVENTS);
        });
    }

    /** What a test checks while replica 3 still lies, given the channel's tag. */
    private interface WhileLying {
        void check(String tag) throws Exception;
    }

    // ---------------------------------------------------------------- lab mode's edges

    @Test
    void aReplicaNotInLabModeHasNoLabEndpoint() throws Exception {
        HttpResponse<String> response = lab(0, "PUT", "{\"mode\":\"alter\"}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void theLabEndpointWantsTheTokenAndAKnownMisbehaviour() throws Exception {
        HttpResponse<String> noToken = lab(LYING, "PUT", "{\"mode\":\"alter\"}", null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noToken.body()).get("code").asString()).isEqualTo("LAB_TOKEN_REQUIRED");

        HttpResponse<String> wrongToken = lab(LYING, "PUT", "{\"mode\":\"alter\"}", TOKEN + "x");
        assertThat(wrongToken.statusCode()).isEqualTo(401);

        HttpResponse<String> unknown = lab(LYING, "PUT", "{\"mode\":\"lie-a-little\"}", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("code").asString()).isEqualTo("UNKNOWN_MISBEHAVIOUR");
        assertThat(JSON.readTree(unknown.body()).get("detail").asString()).contains("equivocate");

        HttpResponse<String> longDelay = lab(LYING, "PUT", "{\"mode\":\"delay\",\"delayMillis\":600000}", TOKEN);
        assertThat(longDelay.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(longDelay.body()).get("code").asString()).isEqualTo("INVALID_DELAY");

        HttpResponse<String> shown = lab(LYING, "GET", null, TOKEN);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(shown.body()).get("mode").asString()).isEqualTo("honest");

        // this suite's replicas run plain TCP links, the library's own: nothing of ours can cut them
        HttpResponse<String> partition = lab(LYING, "PUT", "/links", "{\"cutOffFrom\":[0]}", TOKEN);
        assertThat(partition.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(partition.body()).get("code").asString()).isEqualTo("LINKS_NOT_RELAYED");
        assertThat(JSON.readTree(partition.body()).get("detail").asString()).contains("plain TCP");
        HttpResponse<String> partitionWithoutToken = lab(LYING, "PUT", "/links", "{\"cutOffFrom\":[0]}", null);
        assertThat(partitionWithoutToken.statusCode()).isEqualTo(401);
        assertThat(lab(0, "PUT", "/links", "{\"cutOffFrom\":[1]}", TOKEN).statusCode())
                .as("no lab mode, no partition").isEqualTo(404);
    }

    // ---------------------------------------------------------------- the run

    record Seen(String tag, Set<Integer> named) {
    }

    /**
     * Tells replica 3 to misbehave, publishes {@value #EVENTS} events on a new BFT channel watched by
     * two consoles, checks what both released, and makes replica 3 honest again.
     */
    private static Seen run(String mode) throws Exception {
        return run(mode, tag -> { });
    }

    private static Seen run(String mode, WhileLying whileLying) throws Exception {
        String tag = "it.lab." + mode;
        admin.post("/api/v1/channels", JsonNodeFactory.instance.objectNode().put("tag", tag).put("class", "BFT"), false);
        probe.register(tag);
        RecordingConsole first = new RecordingConsole();
        RecordingConsole second = new RecordingConsole();
        try (ConsoleClient one = ConsoleClient.open(console, first);
             ConsoleClient two = ConsoleClient.open(console, second)) {
            one.subscribe(tag);
            two.subscribe(tag);
            HttpResponse<String> told = lab(LYING, "PUT", "{\"mode\":\"" + mode + "\",\"delayMillis\":500}", TOKEN);
            assertThat(told.statusCode()).as(told.body()).isEqualTo(200);
            assertThat(JSON.readTree(told.body()).get("mode").asString()).isEqualTo(mode);
            try {
                List<Long> acknowledged = publish(tag);
                assertThat(acknowledged).as("every publish answered with its true channel sequence")
                        .isEqualTo(range(1, EVENTS));
                for (RecordingConsole seen : List.of(first, second)) {
                    seen.awaitEvents(EVENTS, Duration.ofSeconds(60));
                    assertThat(seen.channelSeqs()).isEqualTo(range(1, EVENTS));
                    for (VotedEvent event : seen.events) {
                        // a replaying replica has nothing older to send in place of the first event
                        if (mode.equals("alter") || (mode.equals("replay") && event.channelSeq() > 1)) {
                            assertThat(event.agreeing()).as("a false copy never counts").doesNotContain(LYING);
                        }
                        assertThat(event.signature()).isEqualTo(SignatureStatus.VERIFIED);
                        assertThat(event.event().data().get("i").asLong()).isEqualTo(event.channelSeq() - 1);
                    }
                }
                if (Set.of("alter", "equivocate", "replay").contains(mode)) {
                    RecordingConsole.await(() -> one.disagreeingReplicas().contains(LYING)
                                    || two.disagreeingReplicas().contains(LYING), Duration.ofSeconds(30),
                            () -> "replica 3 named by a console; disagreements " + first.disagreements + " / "
                                    + second.disagreements);
                }
                Set<Integer> named = new java.util.TreeSet<>(one.disagreeingReplicas());
                named.addAll(two.disagreeingReplicas());
                assertThat(named).as("only the lying replica is ever named").isSubsetOf(Set.of(LYING));
                whileLying.check(tag);
                return new Seen(tag, named);
            } finally {
                lab(LYING, "PUT", "{\"mode\":\"honest\"}", TOKEN);
            }
        }
    }

    private static List<Long> publish(String tag) {
        List<JsonNode> data = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            data.add(JsonNodeFactory.instance.objectNode().put("load1", i / 10.0).put("i", i));
        }
        List<Long> seqs = new ArrayList<>();
        for (JsonNode item : data) {
            seqs.addAll(probe.publish(tag, List.of(item)).stream().map(result -> result.channelSeq()).toList());
        }
        return seqs;
    }

    private static HttpResponse<String> lab(int replica, String method, String body, String token) throws Exception {
        return lab(replica, method, "", body, token);
    }

    private static HttpResponse<String> lab(int replica, String method, String subpath, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.brokers().httpUrl(replica) + "/api/v1/lab"
                        + subpath))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }
}
