package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLSocket;

import fitmon.replication.Peer;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.link.LinkCertificates;
import fitmon.replication.link.LinkCredentials;
import fitmon.replication.link.LinkSettings;
import fitmon.replication.link.LinkTls;
import fitmon.testkit.RawSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Four real replicas and a client in this JVM, every link carried by the mutual-TLS relays:
 * they order; outsiders and wrong certificates get nowhere; silent connections and a peer
 * posing as another no longer keep replicas from reconnecting (threats T22, T23).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutualTlsGroupTest {

    private static final int N = 4;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final LinkCertificates certificates = new LinkCertificates();
    private static ReplicationSettings settings;
    private static final List<RecordingService> services = new ArrayList<>();
    private static final List<BftSmartReplica> replicas = new ArrayList<>();
    private static BftSmartOrderingClient client;
    private static int sent;

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    static void startGroup() throws Exception {
        settings = TestGroup.settings(N, 1);
        List<ReplicaKeys> keys = TestGroup.keys(N);
        for (int i = 0; i < N; i++) {
            RecordingService service = new RecordingService(i);
            services.add(service);
            replicas.add(new BftSmartReplica(i, settings, service, keys.get(i))
                    .overLinks(certificates.settings(certificates.replica(i))));
        }
        replicas.forEach(BftSmartReplica::start);
        CompletableFuture.allOf(replicas.stream().map(BftSmartReplica::ready).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        client = new BftSmartOrderingClient(settings, 1000, 2, Duration.ofSeconds(20), true,
                certificates.settings(certificates.gateway("gateway-a")));
    }

    @AfterAll
    static void stopGroup() {
        if (client != null) {
            client.close();
        }
        replicas.forEach(BftSmartReplica::close);
    }

    @Test
    @Order(1)
    void theGroupOrdersOverTheRelaysAndEveryReplicaExecutesTheSame() throws Exception {
        orderAndExpectEveryReplicaToExecute(20);
        for (int i = 1; i < N; i++) {
            assertThat(services.get(i).log()).isEqualTo(services.get(0).log());
        }
    }

    @Test
    @Order(2)
    void noCertificateAnotherCasOneAnExpiredOneOrTheWrongRoleOpensNoLink() throws Exception {
        Peer replica0 = settings.peers().get(0);
        InetSocketAddress clientPort = new InetSocketAddress(replica0.host(), replica0.port());
        InetSocketAddress peerPort = new InetSocketAddress(replica0.host(), replica0.port() + 1);
        LinkCertificates otherCa = new LinkCertificates();

        assertThat(RawSockets.refusedAtHandshake(via(certificates, otherCa.gateway("gateway-a"), clientPort))).isTrue();
        assertThat(RawSockets.refusedAtHandshake(via(certificates, certificates.expiredReplica(1), peerPort))).isTrue();
        // certified, but not for that port: the relay closes before a byte reaches the library
        assertThat(RawSockets.closedWithoutAnswer(via(certificates, certificates.probe("probe-1"), clientPort))).isTrue();
        assertThat(RawSockets.closedWithoutAnswer(via(certificates, certificates.replica(1), clientPort))).isTrue();
        assertThat(RawSockets.closedWithoutAnswer(via(certificates, certificates.gateway("gateway-a"), peerPort))).isTrue();
        assertThat(RawSockets.closedWithoutAnswer(via(certificates, certificates.replica(0), peerPort)))
                .as("a replica's own certificate from outside").isTrue();
        // plain TCP where TLS is spoken: the handshake fails, nothing is relayed
        try (Socket plain = new Socket(replica0.host(), replica0.port() + 1)) {
            plain.setSoTimeout(15_000); // the relay waits up to its handshake timeout (5 s) for a ClientHello
            new DataOutputStream(plain.getOutputStream()).writeInt(1);
            assertThat(RawSockets.closesWithinTimeout(plain.getInputStream())).isTrue();
        }
        orderAndExpectEveryReplicaToExecute(5);
    }

    @Test
    @Order(3)
    void aReplicaAnsweringWithAnotherReplicasCertificateIsRefusedByTheClient() throws Exception {
        // a client told that replica 0 is where replica 1 listens: replica 1's certificate answers
        List<Peer> crossed = new ArrayList<>(settings.peers());
        Peer one = settings.peers().get(1);
        crossed.set(0, new Peer(0, one.host(), one.port()));
        crossed.set(1, new Peer(1, settings.peers().get(0).host(), settings.peers().get(0).port()));
        try (var links = fitmon.replication.link.ClientLinks.open(crossed,
                certificates.settings(certificates.gateway("gateway-b")))) {
            Peer viaRelay = links.libraryView().get(0);
            try (Socket local = new Socket(viaRelay.host(), viaRelay.port())) {
                local.setSoTimeout(10_000);
                local.getOutputStream().write(new byte[] {0, 0, 0, 1});
                assertThat(RawSockets.endsWithoutAnswer(local.getInputStream()))
                        .as("the relay closes the library's connection").isTrue();
            }
        }
    }

    @Test
    @Order(4)
    void silentConnectionsOnEveryPortDoNotKeepReplicasFromReconnecting() throws Exception {
        // outsiders keep every port's handshake slots for their address full, the whole time the
        // replicas reconnect: a fresh crowd of silent connections every second
        java.util.concurrent.atomic.AtomicBoolean crowding = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread crowd = new Thread(() -> {
            List<Socket> silent = new ArrayList<>();
            while (crowding.get()) {
                for (Peer peer : settings.peers()) {
                    for (int k = 0; k < 20; k++) {
                        for (int port : new int[] {peer.port(), peer.port() + 1}) {
                            try {
                                silent.add(RawSockets.connectFromOutside(new InetSocketAddress(peer.host(), port)));
                            } catch (IOException e) {
                                // refused while too many are pending: what the limit is for
                            }
                        }
                    }
                }
                sleepQuietly(1000);
                closeAll(silent);
            }
        }, "silent-crowd");
        crowd.start();
        try {
            sleepQuietly(1500);
            long refusedBefore = replicas.stream().mapToLong(r -> r.links().refusedWhilePending()).sum();
            // every link to replica 0 breaks; the other replicas (higher ids) connect again in ~5 s
            replicas.get(0).links().dropInboundPeerLinks();
            for (int i = 1; i < N; i++) {
                replicas.get(i).links().dropInboundPeerLinks();
            }
            orderAndExpectEveryReplicaToExecute(10);
            assertThat(replicas.stream().mapToLong(r -> r.links().refusedWhilePending()).sum())
                    .as("outsiders' connections beyond their address's pending limit, closed at once")
                    .isGreaterThan(refusedBefore);
        } finally {
            crowding.set(false);
            crowd.join(10_000);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
        sockets.clear();
    }

    @Test
    @Order(5)
    void aPeerIntroducingItselfAsAnotherReplicaOrDeclaringAHugeFrameIsCutOffAtTheRelay() throws Exception {
        Peer replica0 = settings.peers().get(0);
        InetSocketAddress peerPort = new InetSocketAddress(replica0.host(), replica0.port() + 1);
        // replica 2's certificate, introducing itself as replica 1: the library never sees it
        try (SSLSocket impostor = via(certificates, certificates.replica(2), peerPort).call()) {
            impostor.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(impostor.getOutputStream()));
            out.writeInt(1);
            out.writeInt(3);
            out.write(new byte[3]);
            out.flush();
            assertThat(RawSockets.endsWithoutAnswer(impostor.getInputStream())).isTrue();
        }
        // replica 3's own certificate, a well-formed handshake, then a frame of 1 GiB declared
        try (SSLSocket huge = via(certificates, certificates.replica(3), peerPort).call()) {
            huge.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(huge.getOutputStream()));
            out.writeInt(3);
            out.writeInt(4);
            out.write(new byte[4]);
            out.writeInt(4);
            out.write(new byte[4]);
            out.writeInt(1 << 30);
            out.flush();
            assertThat(RawSockets.endsWithoutAnswer(huge.getInputStream())).isTrue();
        }
        orderAndExpectEveryReplicaToExecute(10);
        for (int i = 1; i < N; i++) {
            final int replica = i;
            await(() -> services.get(replica).log().equals(services.get(0).log()), Duration.ofSeconds(20));
        }
    }

    /** Connects over TLS with these credentials (whoever issued them), trusting the CA of {@code trusted}. */
    private static java.util.concurrent.Callable<SSLSocket> via(LinkCertificates trusted, LinkCredentials credentials,
                                                               InetSocketAddress address) {
        return () -> trusted.settings(credentials).tls().connect(address, TIMEOUT);
    }

    private static void orderAndExpectEveryReplicaToExecute(int count) throws Exception {
        int target = sent + count;
        for (int i = 0; i < count; i++) {
            client.submitOrdered(("tls-" + sent++).getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
        }
        for (RecordingService service : services) {
            await(() -> service.size() >= target, Duration.ofSeconds(30));
        }
    }






    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

}
