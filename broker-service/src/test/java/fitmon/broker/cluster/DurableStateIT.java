package fitmon.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Four broker-service processes, each with a data directory: the ordered state must survive a
 * stop of every replica, orderly or not, and a replica that lost its directory or fell behind
 * must come back to the group's state. Snapshots are taken every 64 KiB of journal so restarts
 * go through snapshot and journal both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DurableStateIT {

    private static final String TAG = "durable.bft";
    private static final int WORKERS = 3;
    private static final Duration AGREEMENT = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "durable-state-it-logs");
    private static final List<Integer> ALL = List.of(0, 1, 2, 3);

    private CertificateAuthority ca;
    private BrokerCluster cluster;
    private OrderingClient client;
    private int nextClientId = 3000;
    private final List<TestProbe> probes = new ArrayList<>();
    private long appended;

    @BeforeAll
    void startCluster() throws Exception {
        deleteRecursively(LOGS);
        ca = CertificateAuthority.generate("fitmon-durable-ca");
        Map<Integer, List<String>> perReplica = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            perReplica.put(i, List.of("--fitmon.broker.data-dir=" + dataDir(i).toAbsolutePath()));
        }
        cluster = new BrokerCluster(1, ca.publicKey().getEncoded(), LOGS, List.of("--fitmon.broker.snapshot-after=64KB",
                        "--logging.level.fitmon.replication.bftsmart.CatchUpStateManager=DEBUG"),
                perReplica);
        cluster.startAll();
        BrokerCluster.await("every replica to report READY", AGREEMENT, () -> cluster.readyCount() == cluster.n());
        connect();
        order(new CreateChannel(TAG, ChannelClass.BFT, 0, WORKERS, 10, new ChannelRetention(1_000_000, 256L * 1024 * 1024)));
        for (int i = 0; i < WORKERS; i++) {
            TestProbe probe = new TestProbe("durable-" + i, SignatureAlgorithm.ED25519, ca);
            order(new RegisterProbe(TAG, probe.certificate));
            probes.add(probe);
        }
    }

    @AfterAll
    void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void everyReplicaStoppedInOrderComesBackWithTheSameStateAndTheChannelGoesOn() throws Exception {
        publish(150);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        String digestBefore = cluster.digest(0);
        List<String> logBefore = cluster.log(0, TAG);
        assertThat(logBefore).hasSize((int) appended);

        client.close();
        for (int i : ALL) {
            cluster.replica(i).close(); // SIGTERM
        }
        startAllAndConnect();

        for (int i : ALL) {
            assertThat(cluster.digest(i)).as("replica %d digest right after restart", i).isEqualTo(digestBefore);
            assertThat(cluster.log(i, TAG)).as("replica %d log right after restart", i).isEqualTo(logBefore);
            JsonNode restored = cluster.replicaStatus(i).path("restored");
            assertThat(restored.path("consensusId").asLong()).as("replica %d restored consensus", i).isPositive();
        }
        List<Long> seqs = publish(10);
        assertThat(seqs.get(0)).as("the channel continues where it stopped").isEqualTo(logBefore.size() + 1);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.log(3, TAG)).hasSize((int) appended).isEqualTo(cluster.log(0, TAG));
    }

    @Test
    @Order(2)
    void everyReplicaKilledUnderLoadKeepsEveryAcknowledgedEvent() throws Exception {
        long acknowledged;
        try (ContinuousLoad load = new ContinuousLoad(client, TAG, probes, 5)) {
            load.start();
            long target = load.completedRequests() + 60;
            BrokerCluster.await("60 more requests", AGREEMENT, () -> load.completedRequests() >= target);
            for (int i : ALL) {
                cluster.replica(i).kill(); // SIGKILL, one right after the other, mid-load
            }
            client.close();
            load.close();
            acknowledged = load.appended();
        }
        appended += acknowledged;
        startAllAndConnect();
        // Requests in flight at the kill may or may not have been ordered; acknowledged ones must be there.
        publish(10);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        List<String> log = cluster.log(0, TAG);
        assertThat(log.size()).as("events on record vs acknowledged").isGreaterThanOrEqualTo((int) appended);
        for (int i : ALL) {
            assertThat(cluster.log(i, TAG)).isEqualTo(log);
        }
        appended = log.size();
    }

    @Test
    @Order(3)
    void aReplicaThatLostItsDirectoryFetchesTheStateAndKeepsItAfterwards() throws Exception {
        cluster.replica(2).kill();
        deleteRecursively(dataDir(2));
        publish(20);
        cluster.replica(2).start();
        BrokerCluster.await("replica 2 to report READY", AGREEMENT, () -> cluster.ready(2));
        publish(20);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.replicaStatus(2).path("restored").path("consensusId").asLong()).isEqualTo(-1);

        // What replica 2 fetched is now on its disk: a full stop brings it back like the others.
        String digestBefore = cluster.digest(0);
        client.close();
        for (int i : ALL) {
            cluster.replica(i).close();
        }
        startAllAndConnect();
        assertThat(cluster.digest(2)).isEqualTo(digestBefore);
        assertThat(cluster.replicaStatus(2).path("restored").path("consensusId").asLong()).isPositive();
    }

    @Test
    @Order(4)
    void aReplicaLeftBehindBeforeAFullStopCatchesUpAfterIt() throws Exception {
        cluster.replica(1).close();
        publish(30);
        cluster.awaitSameDigest(List.of(0, 2, 3), AGREEMENT);
        String ahead = cluster.digest(0);
        client.close();
        for (int i : List.of(0, 2, 3)) {
            cluster.replica(i).close();
        }
        startAllAndConnect(List.of(0, 2, 3)); // replica 1 restores an older state than its peers
        for (int i : List.of(0, 2, 3)) {
            assertThat(cluster.digest(i)).isEqualTo(ahead);
        }
        // Replica 1 restored an older state; its peers serve it theirs at the consensus they restored.
        long behind = cluster.replicaStatus(1).path("restored").path("consensusId").asLong();
        long peers = cluster.replicaStatus(0).path("restored").path("consensusId").asLong();
        assertThat(behind).isPositive().isLessThan(peers);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.digest(1)).isEqualTo(ahead);
        publish(20);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.log(1, TAG)).hasSize((int) appended).isEqualTo(cluster.log(0, TAG));
    }

    @Test
    @Order(5)
    void replicasThatRestoredPointsNoQuorumAgreesOnStillFormAGroup() throws Exception {
        // Two replicas lose the end of their journals (as if the group crashed after they decided
        // the last batches but before they wrote them): copies of their directories from before.
        stopAll();
        Path saved = LOGS.resolve("saved");
        for (int i : List.of(2, 3)) {
            copyRecursively(dataDir(i), saved.resolve("data-" + i));
        }
        startAllAndConnect();
        List<Long> lost = publish(15);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        String ahead = cluster.digest(0);
        List<String> log = cluster.log(0, TAG);
        stopAll();
        for (int i : List.of(2, 3)) {
            deleteRecursively(dataDir(i));
            copyRecursively(saved.resolve("data-" + i), dataDir(i));
        }
        // 0 and 1 restore one point, 2 and 3 an earlier one: no quorum of three agrees at start.
        startAllAndConnect();
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.digest(2)).isEqualTo(ahead);
        assertThat(cluster.log(3, TAG)).as("the events only replicas 0 and 1 had on disk").isEqualTo(log);
        assertThat(log).hasSizeGreaterThanOrEqualTo((int) (long) lost.get(lost.size() - 1));
        publish(10);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.log(2, TAG)).hasSize((int) appended).isEqualTo(cluster.log(0, TAG));
    }

    @Test
    @Order(6)
    void aDamagedSnapshotEndsTheReplicaProcessAndNamesTheFile() throws Exception {
        cluster.replica(1).close();
        Path snapshot = dataDir(1).resolve("snapshot.bin");
        assertThat(snapshot).exists();
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(snapshot, bytes);
        long logSize = Files.size(cluster.replica(1).logFile());

        cluster.replica(1).start();
        BrokerCluster.await("replica 1 to end its process", AGREEMENT, () -> !cluster.replica(1).alive());
        String log = Files.readString(cluster.replica(1).logFile()).substring((int) logSize);
        assertThat(log).contains(snapshot.toAbsolutePath() + " is damaged").contains("Move " + dataDir(1).toAbsolutePath());

        // As the message says: with the directory moved away, the replica starts empty and catches up.
        Files.move(dataDir(1), LOGS.resolve("data-1-damaged"));
        cluster.replica(1).start();
        publish(10);
        cluster.awaitSameDigest(ALL, AGREEMENT);
        assertThat(cluster.log(1, TAG)).hasSize((int) appended).isEqualTo(cluster.log(0, TAG));
    }

    // ------------------------------------------------------------------ helpers

    private void stopAll() throws InterruptedException {
        client.close();
        for (int i : ALL) {
            cluster.replica(i).close();
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().equals("lock")) {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static Path dataDir(int replica) {
        return LOGS.resolve("data-" + replica);
    }

    private void startAllAndConnect() throws Exception {
        startAllAndConnect(ALL);
    }

    /** Starts every replica and waits until the given ones are READY. */
    private void startAllAndConnect(List<Integer> readyOnes) throws Exception {
        cluster.startAll();
        BrokerCluster.await("replicas " + readyOnes + " to report READY", AGREEMENT,
                () -> readyOnes.stream().allMatch(cluster::ready));
        connect();
    }

    private void connect() {
        client = ClusterClient.connect(cluster, ca, nextClientId, true);
        nextClientId += 100;
    }

    /** Publishes {@code requests} single events, round robin over the probes; returns their channel seqs. */
    private List<Long> publish(int requests) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            TestProbe probe = probes.get(i % probes.size());
            CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(
                    new Publish(TAG, List.of(probe.nextBytes(TAG))))).get(60, TimeUnit.SECONDS));
            assertThat(result).isInstanceOf(CommandResult.Published.class);
            EventOutcome outcome = ((CommandResult.Published) result).outcomes().get(0);
            assertThat(outcome).isInstanceOf(EventOutcome.Appended.class);
            seqs.add(((EventOutcome.Appended) outcome).channelSeq());
            appended++;
        }
        return seqs;
    }

    private void order(BrokerCommand command) throws Exception {
        CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(command)).get(60, TimeUnit.SECONDS));
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
