package fitmon.broker.cluster;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.Publish;
import fitmon.core.command.ResultCodec;
import fitmon.testkit.BrokerCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Threat T28 in real processes: seven replicas (f = 2), two of them colluding on a false state
 * ({@code false-state}: the agreed state plus a channel nobody created, each vouching for the
 * other's), and a replica that lost its state and catches up by state transfer, again and again.
 * It must come back to the correct replicas' state every time, never to the made-up one.
 *
 * <p>The library picks the replica that sends the full state at random; a round in which a
 * colluder is picked is the dangerous one (one matching reply was enough for the library, and the
 * other colluder sends it). The rounds go on until two such rounds passed, at most {@link #MAX_ROUNDS}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FalseStateTransferIT {

    private static final String TAG = "false-state.bft";
    private static final Path LOGS = Path.of("target", "false-state-transfer-it-logs");
    private static final List<Integer> COLLUDERS = List.of(0, 1);
    private static final int CATCHING_UP = 6;
    private static final int MAX_ROUNDS = 8;
    private static final Duration AGREEMENT = Duration.ofSeconds(90);
    private static final String TOKEN = "lab-token-" + Long.toHexString(System.nanoTime()) + "-0123456789";
    private static final Pattern FULL_STATE_FROM = Pattern.compile("the full state from replica (\\d+) is vouched for");
    private static final Pattern SET_ASIDE = Pattern.compile("replicas \\[[0-9, ]+\\] sent a state that disagrees");
    private static final String REFUTED = "the full state sent disagrees";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ProbedCluster probed;
    private BrokerCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Files.createDirectories(LOGS);
        Path tokenFile = LOGS.resolve("lab-token");
        Files.deleteIfExists(tokenFile);
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, TOKEN + "\n");
        probed = ProbedCluster.start(LOGS, 2, List.of("--fitmon.broker.lab.enabled=true",
                "--fitmon.broker.lab.token-file=" + tokenFile.toAbsolutePath()), 4000, TAG, "false-state", 2,
                ChannelRetention.DEFAULT, AGREEMENT);
        cluster = probed.cluster;
    }

    @AfterAll
    void stopCluster() {
        if (probed != null) {
            probed.close();
        }
    }

    @Test
    void aReplicaCatchingUpNeverTakesTheStateTwoColludingReplicasMadeUp() throws Exception {
        for (int colluder : COLLUDERS) {
            HttpResponse<String> told = lab(colluder, "{\"mode\":\"false-state\"}");
            assertThat(told.statusCode()).as("replica %d told to serve a false state: %s", colluder, told.body()).isEqualTo(200);
        }
        List<Integer> honest = IntStream.range(0, cluster.n()).boxed().filter(i -> !COLLUDERS.contains(i)).toList();
        List<Integer> fullStateSenders = new ArrayList<>();
        int dangerousRounds = 0;
        int roundsThatMetTheLie = 0;
        for (int round = 1; round <= MAX_ROUNDS && dangerousRounds < 2; round++) {
            long logBefore = Files.exists(cluster.replica(CATCHING_UP).logFile()) ? Files.size(cluster.replica(CATCHING_UP).logFile()) : 0;
            cluster.replica(CATCHING_UP).kill(); // no data directory: it comes back empty
            publish(10);
            cluster.replica(CATCHING_UP).start();
            BrokerCluster.await("replica " + CATCHING_UP + " to report READY (round " + round + ")", AGREEMENT,
                    () -> cluster.ready(CATCHING_UP));
            publish(5);
            List<Integer> everyone = IntStream.range(0, cluster.n()).boxed().toList();
            cluster.awaitSameDigest(everyone, AGREEMENT);
            assertThat(cluster.digest(CATCHING_UP)).as("round %d: the replica that caught up holds the agreed state", round)
                    .isEqualTo(cluster.digest(honest.get(0)));

            String log = Files.readString(cluster.replica(CATCHING_UP).logFile()).substring((int) logBefore);
            Matcher sender = FULL_STATE_FROM.matcher(log);
            java.util.Set<Integer> vouchedFor = new java.util.TreeSet<>();
            while (sender.find()) {
                vouchedFor.add(Integer.parseInt(sender.group(1)));
            }
            assertThat(vouchedFor).as("round %d: a state vouched for", round).isNotEmpty();
            assertThat(vouchedFor).as("round %d: a colluder's state vouched for", round).doesNotContainAnyElementsOf(COLLUDERS);
            fullStateSenders.addAll(vouchedFor);
            if (SET_ASIDE.matcher(log).find() || log.contains(REFUTED)) {
                roundsThatMetTheLie++;
            }
            if (log.contains(REFUTED)) {
                dangerousRounds++; // a colluder was asked for the full state, and its offer refuted
            }
        }
        System.out.printf("FalseStateTransferIT: full states vouched for, by round: from replicas %s; rounds that met the false state: %d, "
                + "with a colluder asked for the full state: %d%n", fullStateSenders, roundsThatMetTheLie, dangerousRounds);
        assertThat(roundsThatMetTheLie).as("the colluders' made-up state reached the replica catching up").isPositive();
    }

    private HttpResponse<String> lab(int replica, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(replica) + "/api/v1/lab"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void publish(int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            TestProbe probe = probed.probes.get(i % probed.probes.size());
            CommandResult result = ResultCodec.decode(probed.client.submitOrdered(CommandCodec.encode(
                    new Publish(TAG, List.of(probe.nextBytes(TAG))))).get(60, TimeUnit.SECONDS));
            assertThat(result).isInstanceOf(CommandResult.Published.class);
        }
    }
}
