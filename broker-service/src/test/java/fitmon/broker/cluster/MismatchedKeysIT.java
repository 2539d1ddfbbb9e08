package fitmon.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.ResultCodec;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Four broker-service processes where replicas 2 and 3 run with key pairs other than the ones
 * replicas 0 and 1 expect for them (2 and 3 agree with each other on their new keys). Their links
 * to 0 and 1 fail authentication, so no three replicas form a quorum: nothing is ordered, and
 * every replica reports that all its peers accept connections and the keys are the likely cause,
 * while 0 and 1 name the peers whose signature failed. With 2 and 3 given the expected keys and the
 * group restarted, it orders and the four replicas agree.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MismatchedKeysIT {

    private static final Path LOGS = Path.of("target", "mismatched-keys-it-logs");
    private static final Duration AGREEMENT = Duration.ofSeconds(60);
    /** Far longer than a correctly keyed group takes to order one command (FourReplicaClusterIT orders thousands). */
    private static final Duration NOT_ORDERED_BOUND = Duration.ofSeconds(10);
    private static final String KEY_WARNING = "although every peer";

    private BrokerCluster cluster;
    private OrderingClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void replicasWithKeysTheirPeersDoNotExpectCannotJoinUntilRestartedWithTheRightOnes() throws Exception {
        deleteRecursively(LOGS);
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-keys-ca");
        cluster = new BrokerCluster(1, ca.publicKey().getEncoded(), LOGS,
                List.of("--fitmon.broker.waiting-report-interval=2s"));
        List<Path> expected = cluster.publicKeyFiles();
        Path[] otherPrivate = new Path[4];
        Path[] otherPublic = new Path[4];
        for (int r = 2; r <= 3; r++) {
            otherPrivate[r] = LOGS.resolve("other-" + r + ".key.pem");
            otherPublic[r] = LOGS.resolve("other-" + r + ".pub.pem");
            BrokerCluster.writeRsaKeyPair(otherPrivate[r], otherPublic[r]);
        }
        List<Path> seenBy2And3 = List.of(expected.get(0), expected.get(1), otherPublic[2], otherPublic[3]);
        cluster.useKeys(2, otherPrivate[2], seenBy2And3);
        cluster.useKeys(3, otherPrivate[3], seenBy2And3);
        cluster.startAll();

        // (b) every replica says its peers are all reachable and points at the keys
        for (int r = 0; r < cluster.n(); r++) {
            final int replica = r;
            BrokerCluster.await("replica " + r + " to report that every peer accepts connections", AGREEMENT,
                    () -> log(replica).contains("replica " + replica + " still waiting for its group after")
                            && log(replica).contains(KEY_WARNING));
        }
        assertThat(log(2)).contains("check that each replica's public key in the configuration matches that replica's "
                + "private key");
        for (int r = 0; r < cluster.n(); r++) {
            // the reachability checks say they are not a replica: the peers close them without an error
            assertThat(log(r)).as("log of replica " + r).doesNotContain("java.io.EOFException");
        }
        for (int r = 0; r <= 1; r++) {
            final int replica = r;
            BrokerCluster.await("replica " + r + " to log the failed signatures of 2 and 3", AGREEMENT,
                    () -> log(replica).contains("2 sent an invalid signature!")
                            && log(replica).contains("3 sent an invalid signature!"));
        }

        // (a) a command submitted now is not ordered
        awaitClientPortsOpen();
        client = ClusterClient.connect(cluster, ca, 2600, true);
        CompletableFuture<byte[]> pending = client.submitOrdered(CommandCodec.encode(
                CreateChannel.withDefaults("keys.while-mismatched", ChannelClass.BFT)));
        Thread.sleep(NOT_ORDERED_BOUND.toMillis());
        assertThat(pending).isNotDone();
        for (int r = 0; r < cluster.n(); r++) {
            assertThat(state(r)).as("state of replica " + r).isEqualTo("WAITING_FOR_PEERS");
        }

        // (c) replicas 2 and 3 get the keys their peers expect. 0 and 1 are restarted too: the library
        // shuts a link down for good once the peer's signature fails (ServerConnection.shutdown).
        client.close();
        client = null;
        for (int r = 0; r < cluster.n(); r++) {
            cluster.replica(r).kill();
        }
        cluster.useGeneratedKeys(2);
        cluster.useGeneratedKeys(3);
        cluster.startAll();
        BrokerCluster.await("every replica to report READY", AGREEMENT, () -> cluster.readyCount() == cluster.n());
        client = ClusterClient.connect(cluster, ca, 2700, true);
        CommandResult created = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(
                CreateChannel.withDefaults("keys.after-restart", ChannelClass.BFT))).get(60, TimeUnit.SECONDS));
        assertThat(created).isInstanceOf(CommandResult.Accepted.class);
        BrokerCluster.await("every replica to show the channel created after the restart", AGREEMENT,
                () -> Stream.of(0, 1, 2, 3).allMatch(r -> cluster.get(r, "/api/v1/channels/keys.after-restart") != null));
        BrokerCluster.await("the four replicas to report the same state digest", AGREEMENT, () -> {
            Set<String> digests = new HashSet<>();
            for (int r = 0; r < cluster.n(); r++) {
                String digest = cluster.digest(r);
                if (digest == null) {
                    return false;
                }
                digests.add(digest);
            }
            return digests.size() == 1;
        });
    }

    /** The client's proxies connect once when created: wait until every replica listens for clients. */
    private void awaitClientPortsOpen() throws InterruptedException {
        for (String address : cluster.peerAddresses()) {
            String[] hostPort = address.split(":");
            BrokerCluster.await("client port " + address + " to accept connections", AGREEMENT, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    private String log(int replica) {
        try {
            Path file = cluster.replica(replica).logFile();
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String state(int replica) {
        JsonNode status = cluster.replicaStatus(replica);
        return status == null ? null : status.get("state").asString();
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
