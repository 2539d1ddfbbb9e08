package fitmon.benchmarks.resilience;

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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FitmonSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of the resilience matrix that CI runs: a real suite (registry, four replicas in
 * lab mode, gateway; all processes on free ports), three scenarios of 16 s each under steady load,
 * two voting consoles. The checker must find nothing lost, forged, altered, reordered or
 * duplicated, and the equivocating leader must be named. The whole matrix:
 * {@code benchmarks/bin/resilience} (docs/resilience.md).
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class ResilienceMatrixIT {

    private static final String TOKEN = "resilience-it-" + Long.toHexString(System.nanoTime()) + "-0123456789";

    @TempDir
    static Path directory;

    private static FitmonSuite suite;

    @BeforeAll
    static void start() throws Exception {
        Path tokenFile = directory.resolve("lab-token");
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, TOKEN);
        List<String> lab = List.of("--fitmon.broker.lab.enabled=true", "--fitmon.broker.lab.token-file=" + tokenFile);
        suite = FitmonSuite.start(directory.resolve("suite"), 1, List.of(), List.of(),
                IntStream.range(0, 4).boxed().collect(Collectors.toMap(i -> i, i -> lab)));
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void aCrashedAnEquivocatingAndAFalselyAnsweringLeaderLoseForgeAlterReorderAndDuplicateNothing() throws Exception {
        GatewayClient admin = GatewayClient.builder(suite.gatewayUrl())
                .apiKey(new ApiKey(suite.adminKey().keyId(), suite.adminKey().secret()))
                .requestTimeout(Duration.ofSeconds(30)).build();
        List<Findings> rows = ResilienceMatrix.run(admin, new SuiteFaults(suite.brokers()),
                Scenario.select("crash-leader,equivocate-leader,wrong-replies-leader", 1),
                new ResilienceRun.Settings(Duration.ofSeconds(16), 20, 2, 2, "it"), directory.resolve("probes"));
        String table = MatrixReport.markdown(rows);

        assertThat(rows).hasSize(3);
        for (Findings row : rows) {
            assertThat(row.ok()).as(row.scenario() + " " + row.examples() + "\n" + table).isTrue();
            assertThat(row.acknowledged()).as(row.scenario()).isPositive();
            assertThat(row.releasedMin()).as(row.scenario()).isGreaterThanOrEqualTo(row.acknowledged());
            assertThat(row.victim()).as(row.scenario()).isBetween(0, 3);
        }
        Findings equivocation = rows.get(1);
        assertThat(equivocation.named()).as(table).containsExactly(equivocation.victim());
        assertThat(rows.get(2).failedPublishes()).as("the gateway out-votes false replies\n" + table).isEmpty();
    }

    /** Faults on the test's own replica processes; lies through each replica's lab endpoint. */
    private record SuiteFaults(BrokerCluster brokers) implements Faults {

        private static final HttpClient HTTP = HttpClient.newHttpClient();

        @Override
        public void lie(int replica, String mode) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(brokers.httpUrl(replica) + "/api/v1/lab"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"" + mode + "\"}", StandardCharsets.UTF_8))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }

        @Override
        public void kill(int replica) throws Exception {
            brokers.replica(replica).kill();
        }

        @Override
        public void restart(int replica) throws Exception {
            brokers.replica(replica).start();
            BrokerCluster.await("replica " + replica + " ready again", Duration.ofMinutes(2), () -> brokers.ready(replica));
        }

        @Override
        public void pause(int replica) throws Exception {
            brokers.replica(replica).suspend();
        }

        @Override
        public void resume(int replica) throws Exception {
            brokers.replica(replica).resume();
        }

        @Override
        public void partition(int replica, boolean cut) {
            throw new UnsupportedOperationException("this suite's replicas run plain links: partitions need link TLS");
        }
    }
}
