package fitmon.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fitmon.client.cli.CliRun;
import fitmon.client.cli.ExitCodes;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.RetryPolicy;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.ProbeDirectory;
import fitmon.client.probe.PublishResult;
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
 * The client library and the fitmon command against the registry, four broker replicas and the
 * gateway, each in its own process: a probe enrolled, registered and publishing through the
 * command, every replica logging the same events under the same channel sequence numbers, a
 * publish whose answer is lost resent without a second copy, and every error path's exit code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClientIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TAG = "host.cpu";

    private static Path work;
    private static FitmonSuite suite;
    private static SignedHttp gateway;
    private static Path adminKeyFile;
    private static Map<String, String> adminEnv;
    private static Path probeDir;

    @BeforeAll
    static void start() throws Exception {
        // a new directory per run: the registry keeps its database there
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "it-client-");
        suite = FitmonSuite.start(work.resolve("suite"), 1, List.of(
                "--fitmon.gateway.cluster.tick-interval=1h",
                "--fitmon.gateway.registry.cache-ttl=1s"));
        gateway = suite.gatewayClient();
        adminKeyFile = work.resolve("suite/admin-key.json");
        adminEnv = Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_FILE", adminKeyFile.toString());
        probeDir = work.resolve("web-01");
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    /** An admin creates the probe's principal: its API key and bootstrap token. */
    private static JsonNode createProbePrincipal(String name) {
        HttpResponse<String> created = gateway.post(suite.adminKey(), "/api/v1/principals",
                "{\"name\":\"" + name + "\",\"kind\":\"PROBE\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body());
    }

    private static Map<String, String> probeKeyEnv(JsonNode principal) {
        return Map.of("FITMON_GATEWAY", suite.gatewayUrl(),
                "FITMON_KEY_ID", principal.at("/apiKey/keyId").asString(),
                "FITMON_KEY_SECRET", principal.at("/apiKey/secret").asString());
    }

    private static void approve(Path dir) throws IOException {
        String id = new ProbeDirectory(dir).metadata().enrollmentId();
        HttpResponse<String> approved = gateway.post(suite.adminKey(), "/api/v1/enrollments/" + id + "/approve", "");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    }

    private static CliRun cli(Map<String, String> env, String... args) {
        return CliRun.run(env, args);
    }

    private static void awaitLogs(String tag, int events) throws InterruptedException {
        BrokerCluster brokers = suite.brokers();
        BrokerCluster.await("every replica to log " + events + " events of " + tag, Duration.ofSeconds(60), () -> {
            for (int i = 0; i < brokers.n(); i++) {
                try {
                    if (brokers.log(i, tag).size() < events) {
                        return false;
                    }
                } catch (IllegalStateException e) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Each replica's log as "channelSeq probeId seq", after checking all replicas hold the same bytes. */
    private static List<String> agreedLog(String tag) {
        BrokerCluster brokers = suite.brokers();
        List<String> first = brokers.log(0, tag);
        for (int i = 1; i < brokers.n(); i++) {
            assertThat(brokers.log(i, tag)).as("log of replica " + i).isEqualTo(first);
        }
        List<String> out = new ArrayList<>();
        for (String line : first) {
            String[] parts = line.split(" ", 3);
            JsonNode event = JSON.readTree(parts[2]);
            out.add(parts[0] + " " + event.get("probeId").asString() + " " + event.get("seq").asLong());
        }
        return out;
    }

    @Test
    @Order(1)
    void probeEnrollsThroughTheCommandAndResumesAfterApproval() throws Exception {
        JsonNode principal = createProbePrincipal("web-01");
        Map<String, String> env = probeKeyEnv(principal);

        CliRun submitted = cli(env, "enroll", "--name", "web-01", "--token", principal.get("bootstrapToken").asString(),
                "--dir", probeDir.toString(), "--wait", "0");
        assertThat(submitted.exitCode()).as(submitted.toString()).isEqualTo(ExitCodes.PENDING);
        assertThat(submitted.err()).contains("submitted").contains("is still pending");
        assertThat(probeDir.resolve("key.pem")).content().startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(probeDir.resolve("cert.pem")).doesNotExist();

        approve(probeDir);
        // the directory holds the API key now: no key options needed to resume
        CliRun resumed = cli(Map.of("FITMON_GATEWAY", suite.gatewayUrl()), "enroll", "--dir", probeDir.toString());
        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(resumed.out()).isEqualTo("enrolled web-01; key, certificate and state in " + probeDir.toAbsolutePath() + "\n");
        assertThat(probeDir.resolve("cert.pem")).content().startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(probeDir.resolve("ca.pem")).exists();
        assertThat(probeDir.resolve("api-key.json")).content().contains(principal.at("/apiKey/keyId").asString());

        CliRun again = cli(Map.of(), "enroll", "--dir", probeDir.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(again.out()).contains("already enrolled");
    }

    @Test
    @Order(2)
    void adminCreatesAndListsChannelsWithTheBootstrapKeyFile() {
        CliRun created = cli(adminEnv, "channels", "create", TAG, "--class", "BFT");
        assertThat(created.exitCode()).as(created.toString()).isEqualTo(ExitCodes.OK);
        assertThat(created.out()).isEqualTo("created channel host.cpu (BFT)\n");

        CliRun temporary = cli(Map.of(), "--gateway", suite.gatewayUrl(), "--key-file", adminKeyFile.toString(),
                "channels", "create", "tmp.chan", "--class", "cft_o", "--max-probes", "3");
        assertThat(temporary.exitCode()).as(temporary.toString()).isEqualTo(ExitCodes.OK);

        CliRun listed = cli(adminEnv, "channels", "list");
        assertThat(listed.exitCode()).as(listed.toString()).isEqualTo(ExitCodes.OK);
        assertThat(listed.out()).containsPattern("host\\.cpu +BFT +0").containsPattern("tmp\\.chan +CFT_O +0");

        CliRun deleted = cli(adminEnv, "channels", "delete", "tmp.chan");
        assertThat(deleted.exitCode()).as(deleted.toString()).isEqualTo(ExitCodes.OK);
        CliRun json = cli(adminEnv, "channels", "list", "--json");
        assertThat(JSON.readTree(json.out())).hasSize(1);
        assertThat(JSON.readTree(json.out()).get(0).get("tag").asString()).isEqualTo(TAG);
    }

    @Test
    @Order(3)
    void probeRegistersAndPublishesSingleAndBatchEventsThatEveryReplicaLogsAlike() throws Exception {
        Thread.sleep(1500); // the gateway's key cache (1 s here) forgets the key as it was before the approval
        Map<String, String> env = Map.of("FITMON_GATEWAY", suite.gatewayUrl());
        CliRun registered = cli(env, "register", "--probe-dir", probeDir.toString(), TAG);
        assertThat(registered.exitCode()).as(registered.toString()).isEqualTo(ExitCodes.OK);
        assertThat(registered.out()).isEqualTo("registered web-01 to host.cpu\n");

        CliRun single = cli(env, "publish", "--probe-dir", probeDir.toString(), TAG, "{\"load1\":0.42}");
        assertThat(single.exitCode()).as(single.toString()).isEqualTo(ExitCodes.OK);
        assertThat(single.out()).isEqualTo("host.cpu seq 1 appended as channel seq 1\n");

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            lines.append("{\"load1\":").append(i).append(",\"text\":\"line ").append(i).append("\"}\n");
            if (i == 2) {
                lines.append("\n");
            }
        }
        CliRun batch = CliRun.withInput(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_PROBE_DIR", probeDir.toString()),
                lines.toString(), "publish", "--batch-signature", TAG, "-");
        assertThat(batch.exitCode()).as(batch.toString()).isEqualTo(ExitCodes.OK);
        assertThat(batch.out()).isEqualTo("host.cpu seq 2 appended as channel seq 2\n"
                + "host.cpu seq 3 appended as channel seq 3\n"
                + "host.cpu seq 4 appended as channel seq 4\n"
                + "host.cpu seq 5 appended as channel seq 5\n"
                + "host.cpu seq 6 appended as channel seq 6\n");

        Path file = work.resolve("events.jsonl");
        Files.writeString(file, "{\"from\":\"file\"}\n");
        CliRun fromFile = cli(env, "publish", "--probe-dir", probeDir.toString(), "--file", file.toString(), TAG);
        assertThat(fromFile.out()).isEqualTo("host.cpu seq 7 appended as channel seq 7\n");

        awaitLogs(TAG, 7);
        assertThat(agreedLog(TAG)).containsExactly("1 web-01 1", "2 web-01 2", "3 web-01 3", "4 web-01 4", "5 web-01 5",
                "6 web-01 6", "7 web-01 7");
        String logged = suite.brokers().log(2, TAG).get(4);
        assertThat(logged).contains("\"data\":{\"load1\":3,\"text\":\"line 3\"}").contains("\"alg\":\"Ed25519\"")
                .as("the lines went out as one batch-signed request, which every replica verified")
                .contains("\"batch\":{\"index\":3,\"path\":[").contains("],\"size\":5}");
        assertThat(Files.readString(probeDir.resolve("seq.json"))).isEqualTo("{\"lastSeq\":7}\n");
    }

    @Test
    @Order(4)
    void aPublishWhoseAnswerIsLostIsResentWithTheSameSeqAndLoggedOnce() throws Exception {
        URI gatewayUri = URI.create(suite.gatewayUrl());
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(gatewayUri.getHost(), gatewayUri.getPort(), 1)) {
            GatewayClient viaProxy = GatewayClient.builder(proxy.url())
                    .retryPolicy(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5))).build();
            ProbeClient probe = ProbeClient.open(probeDir, viaProxy);

            PublishResult result = probe.publish(TAG, JSON.readTree("{\"resent\":true}"));

            assertThat(proxy.dropped()).isEqualTo(1);
            assertThat(result.seq()).isEqualTo(8);
            assertThat(result.status()).isEqualTo(PublishResult.Status.DUPLICATE);
            assertThat(result.code()).isEqualTo("SEQ_NOT_INCREASING");

            // and a batch whose answer is lost comes back whole as duplicates
            try (AnswerDroppingProxy again = new AnswerDroppingProxy(gatewayUri.getHost(), gatewayUri.getPort(), 1)) {
                ProbeClient batchProbe = ProbeClient.open(probeDir, GatewayClient.builder(again.url())
                        .retryPolicy(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5))).build());
                List<PublishResult> batch = batchProbe.publish(TAG,
                        List.of(JSON.readTree("{\"b\":1}"), JSON.readTree("{\"b\":2}")));
                assertThat(batch).extracting(PublishResult::seq).containsExactly(9L, 10L);
                assertThat(batch).extracting(PublishResult::status)
                        .containsOnly(PublishResult.Status.DUPLICATE);
            }
        }
        // the next publish goes straight through, after the resent ones
        PublishResult next = ProbeClient.open(probeDir, GatewayClient.builder(suite.gatewayUrl()).build())
                .publish(TAG, JSON.readTree("{\"after\":true}"));
        assertThat(next.status()).isEqualTo(PublishResult.Status.APPENDED);
        assertThat(next.channelSeq()).isEqualTo(11);

        awaitLogs(TAG, 11);
        List<String> log = agreedLog(TAG);
        assertThat(log).hasSize(11);
        assertThat(log.subList(7, 11)).containsExactly("8 web-01 8", "9 web-01 9", "10 web-01 10", "11 web-01 11");
    }

    @Test
    @Order(5)
    void anEs256ProbeEnrollsWaitingForTheApprovalAndPublishes() throws Exception {
        JsonNode principal = createProbePrincipal("switch-07");
        Path dir = work.resolve("switch-07");
        Map<String, String> env = probeKeyEnv(principal);
        CliRun[] enroll = new CliRun[1];
        Thread waiting = new Thread(() -> enroll[0] = cli(env, "enroll", "--name", "switch-07", "--alg", "ES256",
                "--token", principal.get("bootstrapToken").asString(), "--dir", dir.toString(), "--wait", "5m",
                "--poll-interval", "200ms"));
        waiting.start();
        BrokerCluster.await("the enrollment to be submitted", Duration.ofSeconds(60),
                () -> new ProbeDirectory(dir).hasMetadata());
        approve(dir);
        waiting.join();
        assertThat(enroll[0].exitCode()).as(enroll[0].toString()).isEqualTo(ExitCodes.OK);

        Thread.sleep(1500); // key cache, as above
        CliRun published = cli(env, "publish", "--register", "--probe-dir", dir.toString(), TAG, "{\"ifInOctets\":123}");
        assertThat(published.exitCode()).as(published.toString()).isEqualTo(ExitCodes.OK);
        assertThat(published.out()).isEqualTo("host.cpu seq 1 appended as channel seq 12\n");
        awaitLogs(TAG, 12);
        assertThat(agreedLog(TAG)).last().isEqualTo("12 switch-07 1");
        assertThat(suite.brokers().log(0, TAG).get(11)).contains("\"alg\":\"ES256\"");
    }

    @Test
    @Order(6)
    void everyErrorPathEndsWithItsExitCodeAndOneLine() throws Exception {
        Map<String, String> probeEnv = Map.of("FITMON_GATEWAY", suite.gatewayUrl());
        String probe = probeDir.toString();

        // refused
        expect(cli(adminEnv, "channels", "create", TAG), ExitCodes.REFUSED, "fitmon: CHANNEL_EXISTS: ");
        expect(cli(adminEnv, "channels", "delete", "no.such.channel"), ExitCodes.REFUSED, "fitmon: CHANNEL_NOT_FOUND: ");
        expect(cli(probeEnv, "publish", "--probe-dir", probe, "no.such.channel", "{}"), ExitCodes.REFUSED,
                "fitmon: CHANNEL_NOT_FOUND: ");
        Path stale = Files.createDirectories(work.resolve("stale-copy"));
        for (String name : List.of("probe.json", "key.pem", "cert.pem", "api-key.json")) {
            Files.copy(probeDir.resolve(name), stale.resolve(name));
        }
        expect(cli(probeEnv, "publish", "--probe-dir", stale.toString(), TAG, "{}"), ExitCodes.REFUSED,
                "fitmon: SEQ_NOT_INCREASING: ");

        // enrollment refusals: a used token, an unknown token, a rejection
        JsonNode principal = createProbePrincipal("db-03");
        String token = principal.get("bootstrapToken").asString();
        Map<String, String> env = probeKeyEnv(principal);
        Path rejected = work.resolve("db-03");
        CliRun first = cli(env, "enroll", "--name", "db-03", "--token", token, "--dir", rejected.toString(), "--wait", "0");
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.PENDING);
        expect(cli(env, "enroll", "--name", "db-03", "--token", token, "--dir", work.resolve("db-03b").toString()),
                ExitCodes.REFUSED, "fitmon: TOKEN_USED: ");
        expect(cli(env, "enroll", "--name", "db-03", "--token", "not-a-token", "--dir", work.resolve("db-03c").toString()),
                ExitCodes.AUTH, "fitmon: TOKEN_INVALID: ");
        String id = new ProbeDirectory(rejected).metadata().enrollmentId();
        HttpResponse<String> rejection = gateway.post(suite.adminKey(), "/api/v1/enrollments/" + id + "/reject",
                "{\"reason\":\"unknown host\"}");
        assertThat(rejection.statusCode()).as(rejection.body()).isEqualTo(200);
        expect(cli(env, "enroll", "--dir", rejected.toString()), ExitCodes.REFUSED,
                "fitmon: enrollment " + id + " was rejected: unknown host");

        // authentication and authorization
        JsonNode admin = JSON.readTree(Files.readString(adminKeyFile));
        expect(cli(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_ID", admin.get("keyId").asString(),
                "FITMON_KEY_SECRET", "wrong"), "channels", "list"), ExitCodes.AUTH, "fitmon: BAD_SIGNATURE: ");
        expect(cli(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_ID", "fk_nosuchkey",
                "FITMON_KEY_SECRET", "x"), "channels", "list"), ExitCodes.AUTH, "fitmon: UNKNOWN_API_KEY: ");
        ApiKey probeKey = ApiKey.read(probeDir.resolve("api-key.json"));
        expect(cli(Map.of("FITMON_GATEWAY", suite.gatewayUrl(), "FITMON_KEY_ID", probeKey.keyId(),
                "FITMON_KEY_SECRET", probeKey.secret()), "channels", "create", "probe.made"), ExitCodes.AUTH,
                "fitmon: FORBIDDEN: ");

        // unreachable
        String closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        expect(cli(Map.of("FITMON_GATEWAY", closed, "FITMON_KEY_FILE", adminKeyFile.toString()), "channels", "list"),
                ExitCodes.UNREACHABLE, "fitmon: cannot reach gateway at " + closed + ": ");
        expect(cli(Map.of("FITMON_GATEWAY", closed), "publish", "--probe-dir", probe, TAG, "{}"),
                ExitCodes.UNREACHABLE, "fitmon: cannot reach gateway at " + closed + ": ");

        // usage
        expect(cli(probeEnv, "publish", "--probe-dir", probe, TAG, "{not json"), ExitCodes.USAGE, "fitmon: DATA is not JSON");
        expect(CliRun.withInput(Map.of("FITMON_GATEWAY", suite.gatewayUrl()), "{\"ok\":1}\n[1,2]\n", "publish",
                "--probe-dir", probe, TAG, "-"), ExitCodes.USAGE, "fitmon: stdin line 2 must be a JSON object");

        // nothing refused above reached a log: the last event is still the ES256 probe's
        List<String> log = agreedLog(TAG);
        assertThat(log).hasSize(12);
        assertThat(log.get(11)).isEqualTo("12 switch-07 1");
    }

    @Test
    @Order(7)
    void theLauncherRunsTheExecutableJar() throws Exception {
        String launcher = System.getProperty("fitmon.client.launcher");
        assertThat(Path.of(System.getProperty("fitmon.client.jar"))).exists();
        ProcessBuilder builder = new ProcessBuilder(launcher, "channels", "list").redirectErrorStream(false);
        Map<String, String> environment = builder.environment();
        environment.putAll(new HashMap<>(adminEnv));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out + err).isZero();
        assertThat(out).containsPattern("host\\.cpu +BFT +12");

        Process failing = new ProcessBuilder(launcher, "--gateway", "http://127.0.0.1:1", "--key-file",
                adminKeyFile.toString(), "channels", "list").start();
        String failure = new String(failing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(failing.waitFor()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(failure).startsWith("fitmon: cannot reach gateway at http://127.0.0.1:1: ").hasLineCount(1);
    }

    private static void expect(CliRun run, int exitCode, String errStart) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.err()).as(run.toString()).startsWith(errStart).hasLineCount(1);
    }
}
