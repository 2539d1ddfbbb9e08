package fitmon.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import fitmon.testkit.FitmonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The load generator's smoke mode against a real suite (registry, four replicas, gateway, all
 * processes on free ports) and the real baseline servers: correctness of what it measured, never
 * its speed. NATS (JetStream, 127.0.0.1:4222) and RabbitMQ (127.0.0.1:5672) must run: .ci/run starts them.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class LoadBenchIT {

    @TempDir
    static Path directory;

    private static FitmonSuite suite;

    @BeforeAll
    static void start() throws Exception {
        assertThat(listening(4222)).as("NATS with JetStream must listen on 127.0.0.1:4222 (.ci/run starts it: "
                + "nats-server -a 127.0.0.1 -p 4222 -js)").isTrue();
        assertThat(listening(5672)).as("RabbitMQ must listen on 127.0.0.1:5672 (.ci/run starts it: rabbitmq-server -detached)")
                .isTrue();
        suite = FitmonSuite.start(directory.resolve("suite"), 1, List.of());
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void smokeRunDeliversEveryAcknowledgedEventOnceAndCompletesEveryBaseline() throws Exception {
        Path results = directory.resolve("results.json");
        Path markdown = directory.resolve("results.md");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Results.Report report = new LoadBench(LoadOptions.parse(new String[] {"--smoke",
                "--gateway", suite.gatewayUrl(), "--admin-key", directory.resolve("suite/admin-key.json").toString(),
                "--probe-cache", directory.resolve("probes").toString(),
                "--replica-classpath", System.getProperty("fitmon.benchmarks.jar"),
                "--out", results.toString(), "--markdown", markdown.toString()}),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        String log = output.toString(StandardCharsets.UTF_8);

        assertThat(report.correctness().failures()).as(log).isEmpty();
        assertThat(report.correctness().ok()).isTrue();
        assertThat(report.correctness().forged()).isZero();
        assertThat(report.correctness().orderViolations()).isZero();

        // every class, single events and batches (events signed alone, and batch-signed), each with events
        // acknowledged and all of them voted with a verified signature
        assertThat(report.fitmon()).extracting(s -> s.channelClass() + "/" + s.batch() + (s.batchSigned() ? "/one-sig" : ""))
                .containsExactlyInAnyOrder("BFT/1", "BFT/5", "BFT/5/one-sig", "CFT_O/1", "CFT_O/5", "CFT_O/5/one-sig",
                        "CFT_NO_U/1", "CFT_NO_U/5", "CFT_NO_U/5/one-sig", "CFT_NO_NU/1", "CFT_NO_NU/5", "CFT_NO_NU/5/one-sig");
        for (Results.FitmonStep step : report.fitmon()) {
            assertThat(step.acceptedEvents()).as(step.tag()).isPositive();
            assertThat(step.errors()).as(step.tag()).isEmpty();
            assertThat(step.refused()).as(step.tag()).isEmpty();
            Results.Delivery delivery = step.delivery();
            assertThat(delivery.acknowledged()).as(step.tag()).isPositive();
            assertThat(delivery.delivered()).as(step.tag()).isEqualTo(delivery.acknowledged());
            assertThat(delivery.acknowledgedNotDelivered()).isZero();
            assertThat(delivery.duplicates()).isZero();
            assertThat(delivery.signatureNotVerified()).isZero();
            assertThat(step.publishToVoted().count()).as(step.tag()).isPositive();
            // the suite's processes were found and measured
            assertThat(step.cpu()).containsKeys("gateway", "registry", "replica-0", "replica-1", "replica-2",
                    "replica-3", "generator");
        }

        // every baseline at both request sizes, acknowledged operations and no errors
        assertThat(report.baselines()).extracting(b -> b.baseline() + "/" + b.payloadBytes()).containsExactlyInAnyOrder(
                "raw-bft/300", "raw-bft/1500", "nats/300", "nats/1500", "rabbitmq/300", "rabbitmq/1500");
        for (Results.BaselineStep step : report.baselines()) {
            assertThat(step.ops()).as(step.baseline()).isPositive();
            assertThat(step.errors()).as(step.baseline()).isEmpty();
        }
        // the raw replicas ran with the suite replicas' JVM flags, and are gone
        assertThat(report.replicaJvmFlags()).isNotEmpty().allMatch(flag -> flag.startsWith("-X"));
        Results.BaselineStep raw = report.baselines().stream().filter(b -> b.baseline().equals("raw-bft")).findFirst()
                .orElseThrow();
        assertThat(raw.cpu()).containsKeys("raw-replica-0", "raw-replica-1", "raw-replica-2", "raw-replica-3");
        for (ProcessStats.CpuUse use : raw.cpu().values()) {
            if (use.name().startsWith("raw-replica")) {
                assertThat(ProcessHandle.of(use.pid()).map(ProcessHandle::isAlive).orElse(false))
                        .as(use.name() + " still running").isFalse();
            }
        }

        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(results));
        assertThat(json.get("fitmon")).hasSize(12);
        assertThat(json.at("/correctness/ok").asBoolean()).isTrue();
        assertThat(Files.readString(markdown)).contains("| `BFT` open loop 20/s | 2 | 1 |")
                .contains("| `BFT` open loop 20/s | 2 | 5 (batch-signed) |").contains("Correctness: OK");

        // a second run against the same suite reuses the enrolled probes and their SEQ counters
        Set<String> probesBefore = probeIds(directory.resolve("probes"));
        Results.Report again = new LoadBench(LoadOptions.parse(new String[] {"--gateway", suite.gatewayUrl(),
                "--admin-key", directory.resolve("suite/admin-key.json").toString(),
                "--probe-cache", directory.resolve("probes").toString(), "--classes", "CFT_NO_NU", "--workers", "2",
                "--rate", "20", "--warmup", "0s", "--duration", "2s", "--baseline", "none"}),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        assertThat(again.correctness().failures()).isEmpty();
        assertThat(again.fitmon().get(0).refused()).isEmpty();
        assertThat(probeIds(directory.resolve("probes"))).isEqualTo(probesBefore).hasSize(2);
    }

    private static Set<String> probeIds(Path cache) throws IOException {
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(p -> p.getFileName().toString().equals("probe.json"))
                    .map(p -> {
                        try {
                            return JsonMapper.builder().build().readTree(Files.readString(p)).get("probeId").asString();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).collect(Collectors.toSet());
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
