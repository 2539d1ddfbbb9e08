package fitmon.client.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import fitmon.client.cli.CliRun;
import fitmon.client.cli.ExitCodes;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.PublishResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's one command, {@code ./fitmon-local}, from a fresh clone of this repository: it
 * builds, starts everything on the default ports, the demo probe's events reach every replica
 * through the gateway, SIGTERM stops every process, and a second start keeps the registry's state,
 * the probe's identity and every replica's log, restored from its own data directory. On that second
 * run (one suite start serves both, as a start takes minutes here), a replica and the demo probe
 * die by {@code kill -9}: the suite reports each and goes on, the other replicas go on ordering,
 * and {@code fitmon lab restart} brings the replica back to the others' state digest.
 */
class LocalSuiteIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final LocalPorts PORTS = new LocalPorts(0, 4);

    /** The admin's console token: the replicas' channel reads need one. */
    private static volatile String readToken;

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void oneCommandStartsTheWholeSuiteFromAFreshCloneStopsCleanlyAndKeepsStateAcrossARestart() throws Exception {
        assertThat(PORTS.busy()).as("the local suite's default ports must be free for this test").isEmpty();
        Path repository = Path.of("").toAbsolutePath().getParent();
        Path clone = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fresh-clone-");
        Process git = new ProcessBuilder("git", "clone", "--quiet", "--no-hardlinks", repository.toString(), clone.toString())
                .redirectErrorStream(true).start();
        assertThat(git.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(git.exitValue()).as(new String(git.getInputStream().readAllBytes())).isZero();

        Run first = Run.start(clone, "first-start.log");
        long lastSeqBefore;
        List<List<String>> before = new ArrayList<>();
        try {
            first.awaitLine("fitmon is up", Duration.ofMinutes(15));
            readToken = consoleToken(clone);
            assertThat(first.output()).contains("bootstrap admin API key (shown once");
            assertThat(get("http://127.0.0.1:" + PORTS.console() + "/").statusCode()).isEqualTo(200);

            // the demo probe publishes through the gateway; every replica logs the same events
            List<JsonNode> logs = awaitEventsOnEveryReplica(3);
            for (JsonNode log : logs) {
                assertThat(withoutReplica(log, 3)).isEqualTo(withoutReplica(logs.get(0), 3));
            }
            GatewayClient admin = admin(clone);
            JsonNode voted = admin.get("/api/v1/channels/demo.host/events?fromSeq=1&limit=3");
            assertThat(withoutReplica(voted, 3)).isEqualTo(withoutReplica(logs.get(0), 3));
            lastSeqBefore = lastProbeSeq(logs.get(0));

            // the gateway's HTTPS port, on the certificate the suite issued from its own CA: the CLI
            // checks it against that CA and says what to do when it is not given the CA
            Map<String, String> https = Map.of("FITMON_GATEWAY", "https://localhost:" + PORTS.gatewayHttps(),
                    "FITMON_KEY_FILE", clone.resolve(".fitmon-local/admin-key.json").toString());
            CliRun untrusted = CliRun.run(https, "channels", "list");
            assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(untrusted.err()).contains("over TLS", "--ca-file");
            CliRun trusted = CliRun.run(https, "--ca-file", clone.resolve(".fitmon-local/registry/ca.cert.pem").toString(),
                    "channels", "list");
            assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
            assertThat(trusted.out()).contains("demo.host");

            theEncryptedLinksCarryNoEventOrSecretInClear(clone);

            // each replica keeps its state in its own data directory
            for (int i = 0; i < 4; i++) {
                JsonNode replica = replica(i);
                assertThat(replica.path("restored").isObject()).as("replica %d has a data directory: %s", i, replica)
                        .isTrue();
            }

            // the default run is not in lab mode: no replica can be told to lie
            CliRun lie = CliRun.run(Map.of(), "lab", "--data", clone.resolve(".fitmon-local").toString(), "lie", "3",
                    "--mode", "alter");
            assertThat(lie.exitCode()).as(lie.toString()).isEqualTo(ExitCodes.REFUSED);
            assertThat(lie.err()).contains("not started in lab mode");
            assertThat(get("http://127.0.0.1:" + PORTS.replicaHttp(3) + "/api/v1/lab").statusCode()).isEqualTo(404);

            // what every replica has logged right before the stop
            for (int i = 0; i < 4; i++) {
                before.add(demoLog(i));
            }
        } finally {
            first.stop();
        }
        first.assertNothingLeft();
        for (int i = 0; i < 4; i++) {
            assertThat(before.get(i)).as("demo.host on replica %d before the stop", i).hasSizeGreaterThanOrEqualTo(3);
        }
        long lastChannelSeqBefore = before.stream().mapToLong(log -> channelSeq(log.get(log.size() - 1))).max()
                .orElseThrow();

        Run second = Run.start(clone, "second-start.log", "--lab");
        try {
            second.awaitLine("fitmon is up", Duration.ofMinutes(10));
            readToken = consoleToken(clone);
            assertThat(second.output()).doesNotContain("shown once").contains("admin API key: in");
            // the registry kept the admin key; the probe kept its identity and continues its SEQ
            GatewayClient admin = admin(clone);
            assertThat(admin.get("/api/v1/principals").toString()).contains("demo-probe");

            // every replica restored its state from disk and still logs what it logged before the stop
            for (int i = 0; i < 4; i++) {
                JsonNode replica = replica(i);
                assertThat(replica.at("/restored/consensusId").isNumber())
                        .as("replica %d restored its state from disk: %s", i, replica).isTrue();
                assertThat(replica.at("/restored/consensusId").asLong())
                        .as("replica %d restored consensus id: %s", i, replica).isGreaterThanOrEqualTo(0);
            }
            List<List<String>> after = awaitDemoLogs(before.stream().map(List::size).toList());
            for (int i = 0; i < 4; i++) {
                assertThat(after.get(i)).as("demo.host on replica %d after the restart", i)
                        .startsWith(before.get(i).toArray(String[]::new));
            }

            // the probe continues: new events get higher channel SEQs and its own SEQ goes on
            List<JsonNode> newer = awaitEventsOnEveryReplicaAfter(lastChannelSeqBefore);
            for (int i = 0; i < 4; i++) {
                JsonNode next = newer.get(i).get("events").get(0);
                assertThat(next.get("channelSeq").asLong()).as("replica %d", i).isGreaterThan(lastChannelSeqBefore);
                assertThat(next.at("/event/seq").asLong()).as("replica %d probe SEQ", i).isGreaterThan(lastSeqBefore);
                assertThat(withoutReplica(newer.get(i), 1)).isEqualTo(withoutReplica(newer.get(0), 1));
            }

            aReplicaToldToLieIsOutvoted(second, clone);
            aReplicaCutOffFromItsPeersFallsBehindAndCatchesUpWhenHealed(second, clone);
            aReplicaAndTheDemoProbeDieTheSuiteGoesOnAndLabRestartBringsTheReplicaBack(second, clone);
        } finally {
            second.stop();
        }
        second.assertNothingLeft();
    }

    /**
     * A capture on loopback while a new probe publishes one event through the gateway's HTTPS port
     * and one through its plain development port: on the HTTPS port and on the replicas' ordering
     * links (the gateway's and the replicas' BFT ports, all mutual TLS) neither event, nor the
     * admin's or the probe's API secret, is readable; on the plain port the second event is (which
     * shows the capture sees what is in clear). Skipped, and said so, without tshark.
     */
    private static void theEncryptedLinksCarryNoEventOrSecretInClear(Path clone) throws Exception {
        if (!LoopbackCapture.available()) {
            System.out.println("LocalSuiteIT: tshark is not installed; the loopback capture is skipped "
                    + "(apt-get install tshark, as .ci/run does)");
            return;
        }
        Path data = clone.resolve(".fitmon-local");
        String ca = data.resolve("registry/ca.cert.pem").toString();
        String https = "https://localhost:" + PORTS.gatewayHttps();
        String plain = "http://127.0.0.1:" + PORTS.gateway();
        String overTls = "tls-" + java.util.UUID.randomUUID();
        String inClear = "clear-" + java.util.UUID.randomUUID();
        Path probeDir = data.resolve("capture-probe");
        Path pcaps = Files.createDirectories(clone.resolve("captures"));
        int lastBft = PORTS.replicaBft(3) + 1;
        try (LoopbackCapture encrypted = LoopbackCapture.start("tcp port " + PORTS.gatewayHttps() + " or tcp portrange "
                + PORTS.replicaBft(0) + "-" + lastBft, pcaps.resolve("encrypted.pcap"));
             LoopbackCapture clear = LoopbackCapture.start("tcp port " + PORTS.gateway(), pcaps.resolve("plain.pcap"))) {
            CliRun setup = CliRun.run(Map.of(), "--gateway", https, "--ca-file", ca, "--key-file",
                    data.resolve("admin-key.json").toString(), "demo-probe", "--setup-only", "--probe-id", "capture-probe",
                    "--dir", probeDir.toString(), "--tag", "capture.links");
            assertThat(setup.exitCode()).as(setup.toString()).isZero();
            CliRun secure = CliRun.run(Map.of(), "--gateway", https, "--ca-file", ca, "publish", "capture.links",
                    "{\"marker\":\"" + overTls + "\"}", "--probe-dir", probeDir.toString());
            assertThat(secure.exitCode()).as(secure.toString()).isZero();
            CliRun open = CliRun.run(Map.of(), "--gateway", plain, "publish", "capture.links",
                    "{\"marker\":\"" + inClear + "\"}", "--probe-dir", probeDir.toString());
            assertThat(open.exitCode()).as(open.toString()).isZero();
            Thread.sleep(1000); // the last packets reach the capture
            byte[] tls = encrypted.stop();
            byte[] plainBytes = clear.stop();
            assertThat(tls.length).as("bytes captured on the encrypted links").isGreaterThan(10_000);
            assertThat(LoopbackCapture.contains(plainBytes, inClear)).as("the control: the plain port in clear").isTrue();
            List<String> secrets = new ArrayList<>(List.of(overTls, inClear,
                    JSON.readTree(Files.readString(data.resolve("admin-key.json"))).get("secret").asString()));
            for (String secret : secrets) {
                assertThat(LoopbackCapture.contains(tls, secret)).as("in clear on the encrypted links: %s", secret).isFalse();
            }
            assertThat(LoopbackCapture.contains(plainBytes, overTls)).isFalse();
        }
    }

    /**
     * {@code kill -9} of replica 1, then of the demo probe: the suite reports each (exit code, log,
     * last lines) and keeps running; events published through the gateway are still ordered;
     * {@code fitmon lab} refuses an unknown replica and a service already down; {@code fitmon lab
     * restart 1} starts replica 1 again and, as ordering goes on, it reaches the others' state digest.
     */
    /** The second run is in lab mode: replica 3 alters what it serves, the voted read stays the truth. */
    private static void aReplicaToldToLieIsOutvoted(Run run, Path clone) throws Exception {
        Path data = clone.resolve(".fitmon-local");
        assertThat(run.output()).contains("LAB MODE");
        CliRun lie = CliRun.run(Map.of(), "lab", "--data", data.toString(), "lie", "3", "--mode", "lying-reads");
        assertThat(lie.exitCode()).as(lie.toString()).isZero();
        assertThat(lie.out()).contains("replica-3 now answers its read API with made-up");
        assertThat(CliRun.run(Map.of(), "lab", "--data", data.toString(), "status").out())
                .contains("lab: lying-reads", "lab: honest");
        long told = JSON.readTree(replicaRead(3, "/api/v1/channels/demo.host").body())
                .get("lastSeq").asLong();
        long voted = admin(clone).get("/api/v1/channels/demo.host").get("lastSeq").asLong();
        assertThat(told).as("replica 3's own answer").isGreaterThan(voted + 500);
        CliRun honest = CliRun.run(Map.of(), "lab", "--data", data.toString(), "lie", "3", "--mode", "honest");
        assertThat(honest.out()).contains("replica-3 is honest again");
    }

    private static void aReplicaAndTheDemoProbeDieTheSuiteGoesOnAndLabRestartBringsTheReplicaBack(Run run, Path clone)
            throws Exception {
        Path data = clone.resolve(".fitmon-local");
        ProbeClient probe = ProbeClient.open(data.resolve("demo-probe"),
                GatewayClient.builder("http://127.0.0.1:" + PORTS.gateway()).build());

        ProcessHandle replica1 = run.service("--fitmon.broker.replica-id=1");
        replica1.destroyForcibly();
        run.awaitLine("replica-1 stopped by itself: exit code 137 (SIGKILL); log " + data.resolve("logs/replica-1.log")
                + ", last lines:", Duration.ofMinutes(1));
        assertOrdered(probe.publish("demo.host", JSON.readTree("{\"lab\":\"replica 1 killed\"}")));

        ProcessHandle demoProbe = run.service(" demo-probe ");
        demoProbe.destroyForcibly();
        run.awaitLine("demo-probe stopped by itself: exit code 137 (SIGKILL)", Duration.ofMinutes(1));
        assertOrdered(probe.publish("demo.host", JSON.readTree("{\"lab\":\"demo probe killed\"}")));
        assertThat(run.process.isAlive()).as("the suite after two kills:\n" + run.output()).isTrue();
        assertThat(run.output()).doesNotContain("fitmon-local: stopping");

        CliRun unknown = CliRun.run(Map.of(), "lab", "--data", data.toString(), "kill", "7");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).contains("no service '7' in this suite: one of registry, replica-0, replica-1, replica-2,"
                + " replica-3, gateway, console, demo-probe");
        CliRun down = CliRun.run(Map.of(), "lab", "--data", data.toString(), "kill", "demo-probe");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(down.err()).contains("demo-probe is already down: exit code 137 (SIGKILL)");
        CliRun status = CliRun.run(Map.of(), "lab", "--data", data.toString(), "status");
        assertThat(status.out()).contains("replica-1   down     exit code 137 (SIGKILL)", "replica-0   running");

        CliRun restart = CliRun.run(Map.of(), "lab", "--data", data.toString(), "restart", "1");
        assertThat(restart.exitCode()).as(restart.toString()).isZero();
        assertThat(restart.out()).contains("replica-1 restarted");
        assertThat(run.service("--fitmon.broker.replica-id=1").pid()).isNotEqualTo(replica1.pid());

        // the restarted replica catches up by state transfer as the others go on ordering
        publishUntilEveryReplicaAgrees(probe, "after the restart", "replica 1");
    }

    /**
     * {@code fitmon lab partition 2}: replica 2's links to its peers are cut (over the TLS relays)
     * while the other three go on ordering; it falls behind; {@code --from none} heals it and it
     * reaches the others' state digest.
     */
    private static void aReplicaCutOffFromItsPeersFallsBehindAndCatchesUpWhenHealed(Run run, Path clone)
            throws Exception {
        Path data = clone.resolve(".fitmon-local");
        ProbeClient probe = ProbeClient.open(data.resolve("demo-probe"),
                GatewayClient.builder("http://127.0.0.1:" + PORTS.gateway()).build());
        CliRun cut = CliRun.run(Map.of(), "lab", "--data", data.toString(), "partition", "2");
        assertThat(cut.exitCode()).as(cut.toString()).isZero();
        assertThat(cut.out()).contains("replica-2 is cut off from replicas [0, 1, 3]");
        assertThat(CliRun.run(Map.of(), "lab", "--data", data.toString(), "status").out())
                .contains("cut off from replicas [0, 1, 3]");
        long cutAt = consensusId(2);
        for (int i = 0; i < 5; i++) {
            assertOrdered(probe.publish("demo.host", JSON.readTree("{\"lab\":\"replica 2 cut off\",\"n\":" + i + "}")));
        }
        assertThat(consensusId(0)).as("the three others order on").isGreaterThan(cutAt + 3);
        assertThat(consensusId(2)).as("replica 2, cut off").isLessThanOrEqualTo(cutAt + 1);

        CliRun heal = CliRun.run(Map.of(), "lab", "--data", data.toString(), "partition", "2", "--from", "none");
        assertThat(heal.exitCode()).as(heal.toString()).isZero();
        assertThat(heal.out()).contains("replica-2 is connected to every peer again");
        publishUntilEveryReplicaAgrees(probe, "after the partition", "replica 2");
    }

    private static long consensusId(int replica) throws Exception {
        return JSON.readTree(get("http://127.0.0.1:" + PORTS.replicaHttp(replica) + "/api/v1/replica").body())
                .get("lastConsensusId").asLong();
    }

    /** Publishes an event a second until the four replicas report the same consensus id and digest. */
    private static void publishUntilEveryReplicaAgrees(ProbeClient probe, String label, String behind) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int published = 0;
        while (true) {
            assertOrdered(probe.publish("demo.host", JSON.readTree("{\"lab\":\"" + label + "\",\"n\":" + published++ + "}")));
            List<String> states = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = get("http://127.0.0.1:" + PORTS.replicaHttp(i) + "/api/v1/replica");
                JsonNode replica = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
                states.add(replica == null ? "no answer" : replica.get("lastConsensusId").asLong() + " "
                        + replica.get("digest").asString());
            }
            if (published >= 3 && states.stream().distinct().count() == 1) {
                return;
            }
            assertThat(System.nanoTime()).as(behind + " at the others' state digest; consensus id and digest of "
                    + "replicas 0-3: %s", states).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }

    private static void assertOrdered(PublishResult result) {
        assertThat(result.status()).as("publish through the gateway: %s", result).isEqualTo(PublishResult.Status.APPENDED);
    }

    private static GatewayClient admin(Path clone) throws IOException {
        JsonNode key = JSON.readTree(Files.readString(clone.resolve(".fitmon-local/admin-key.json")));
        return GatewayClient.builder("http://127.0.0.1:" + PORTS.gateway())
                .apiKey(new ApiKey(key.get("keyId").asString(), key.get("secret").asString())).build();
    }

    private static String consoleToken(Path clone) throws IOException {
        return admin(clone).post("/api/v1/tokens", null, false).get("token").asString();
    }

    /** A channel read on one replica's own read API, with the admin's console token. */
    private static HttpResponse<String> replicaRead(int replica, String pathAndQuery) throws InterruptedException {
        String url = "http://127.0.0.1:" + PORTS.replicaHttp(replica) + pathAndQuery;
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + readToken).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new NoAnswer(url);
        }
    }

    private static List<JsonNode> awaitEventsOnEveryReplica(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            List<JsonNode> logs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> page = replicaRead(i, "/api/v1/channels/demo.host/events?fromSeq=1&limit=" + count);
                if (page.statusCode() == 200 && JSON.readTree(page.body()).get("events").size() >= count) {
                    logs.add(JSON.readTree(page.body()));
                }
            }
            if (logs.size() == 4) {
                return logs;
            }
            assertThat(System.nanoTime()).as("%d events of demo.host on every replica", count).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** {@code GET /api/v1/replica} of replica i. */
    private static JsonNode replica(int replica) throws Exception {
        HttpResponse<String> response = get("http://127.0.0.1:" + PORTS.replicaHttp(replica) + "/api/v1/replica");
        assertThat(response.statusCode()).as("replica %d /api/v1/replica: %s", replica, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /**
     * Replica i's whole demo.host log, page by page from SEQ 1, one {@code "channelSeq event"} line
     * per delivery; null while the replica does not answer.
     */
    private static List<String> demoLogOrNull(int replica) throws Exception {
        List<String> log = new ArrayList<>();
        long fromSeq = 1;
        while (true) {
            HttpResponse<String> response = replicaRead(replica,
                    "/api/v1/channels/demo.host/events?fromSeq=" + fromSeq + "&limit=1000");
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode delivery : page.get("events")) {
                log.add(delivery.get("channelSeq").asLong() + " " + delivery.get("event"));
            }
            long next = page.get("nextFromSeq").asLong();
            if (page.get("events").isEmpty() || next > page.get("lastSeq").asLong() || next <= fromSeq) {
                return log;
            }
            fromSeq = next;
        }
    }

    private static List<String> demoLog(int replica) throws Exception {
        List<String> log = demoLogOrNull(replica);
        assertThat(log).as("demo.host log of replica %d", replica).isNotNull();
        return log;
    }

    /** Every replica's demo.host log once it holds at least as many deliveries as given for it. */
    private static List<List<String>> awaitDemoLogs(List<Integer> sizes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            List<List<String>> logs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                List<String> log = demoLogOrNull(i);
                if (log != null && log.size() >= sizes.get(i)) {
                    logs.add(log);
                }
            }
            if (logs.size() == 4) {
                return logs;
            }
            assertThat(System.nanoTime()).as("demo.host logs of %s deliveries on the replicas", sizes).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** On every replica, a page of demo.host starting right after channel SEQ {@code seq}, once it has one. */
    private static List<JsonNode> awaitEventsOnEveryReplicaAfter(long seq) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            List<JsonNode> pages = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> page = replicaRead(i, "/api/v1/channels/demo.host/events?fromSeq=" + (seq + 1) + "&limit=10");
                if (page.statusCode() == 200 && !JSON.readTree(page.body()).get("events").isEmpty()) {
                    pages.add(JSON.readTree(page.body()));
                }
            }
            if (pages.size() == 4) {
                return pages;
            }
            assertThat(System.nanoTime()).as("demo.host events after channel SEQ %d on every replica", seq)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static long channelSeq(String logLine) {
        return Long.parseLong(logLine.substring(0, logLine.indexOf(' ')));
    }

    /** The first {@code count} deliveries without the field naming the replica. */
    private static List<String> withoutReplica(JsonNode page, int count) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode delivery = page.get("events").get(i);
            events.add(delivery.get("channelSeq").asLong() + " " + delivery.get("event"));
        }
        return events;
    }

    private static long lastProbeSeq(JsonNode page) {
        JsonNode events = page.get("events");
        return events.get(events.size() - 1).at("/event/seq").asLong();
    }

    private static HttpResponse<String> get(String url) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new NoAnswer(url);
        }
    }

    /** {@code ./fitmon-local} running in the clone, its output kept. */
    private static final class Run {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final List<ProcessHandle> services = new ArrayList<>();
        private final Thread pump;

        private Run(Process process, Path log) {
            this.process = process;
            pump = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        lines.add(line);
                        Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    }
                } catch (IOException e) {
                    lines.add("(output lost: " + e + ")");
                }
            }, "fitmon-local-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Run start(Path clone, String logName, String... arguments) throws IOException {
            Path log = clone.resolve(logName);
            List<String> command = new ArrayList<>(List.of(clone.resolve("fitmon-local").toString()));
            command.addAll(List.of(arguments));
            return new Run(new ProcessBuilder(command).directory(clone.toFile()).redirectErrorStream(true).start(), log);
        }

        String output() {
            return String.join("\n", lines);
        }

        /** The one running service of this suite whose command line contains {@code text}. */
        ProcessHandle service(String text) {
            List<ProcessHandle> matches = process.descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains(text)).toList();
            assertThat(matches).as("services of the suite whose command line contains '%s'", text).hasSize(1);
            return matches.get(0);
        }

        void awaitLine(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.stream().noneMatch(line -> line.contains(text))) {
                assertThat(process.isAlive()).as("./fitmon-local exited early:\n" + output()).isTrue();
                assertThat(System.nanoTime()).as("'" + text + "' within " + timeout + ":\n" + output()).isLessThan(deadline);
                Thread.sleep(500);
            }
            process.descendants().forEach(services::add);
        }

        /** SIGTERM to the launcher, as a service manager or Ctrl-C's process group would stop it. */
        void stop() throws InterruptedException {
            process.descendants().forEach(services::add);
            // Process.destroy() would also close our end of its output; the handle only signals
            process.toHandle().destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("./fitmon-local did not stop within 2 minutes:\n" + output());
            }
            pump.join(10_000);
        }

        void assertNothingLeft() throws InterruptedException {
            assertThat(output()).contains("fitmon-local: stopped");
            assertThat(services).as("services started").hasSizeGreaterThanOrEqualTo(7);
            for (ProcessHandle service : services) {
                assertThat(service.isAlive()).as("process %d (%s) still running", service.pid(),
                        service.info().commandLine().orElse("?")).isFalse();
            }
            assertThat(PORTS.busy()).as("ports still in use after the stop").isEmpty();
        }
    }

    /** No HTTP answer at all (connection refused): reads as a 503 to the polling loops. */
    private record NoAnswer(String url) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return 503;
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(url)).build();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return URI.create(url);
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
