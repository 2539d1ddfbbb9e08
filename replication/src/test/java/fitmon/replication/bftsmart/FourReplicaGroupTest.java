package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import bftsmart.reconfiguration.views.View;
import bftsmart.statemanagement.ApplicationState;
import bftsmart.statemanagement.SMMessage;
import bftsmart.statemanagement.strategy.StandardSMMessage;
import bftsmart.tom.server.defaultservices.DefaultApplicationState;
import bftsmart.tom.util.TOMUtil;
import fitmon.replication.OrderingTimeoutException;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicationSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Four real replicas (n=4, f=1) and a client in this JVM, with the deserialization filter
 * installed. Replica 3 lies in its replies until the last test, which stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FourReplicaGroupTest {

    private static final int N = 4;
    private static final int LIAR = 3;

    private static ReplicationSettings settings;
    private static final List<RecordingService> services = new ArrayList<>();
    private static final List<BftSmartReplica> replicas = new ArrayList<>();
    private static BftSmartOrderingClient client;

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void startGroup() throws Exception {
        settings = TestGroup.settings(N, 1);
        // a key pair per replica, as in production: the library checks them when links are set up
        List<ReplicaKeys> keys = TestGroup.keys(N);
        for (int i = 0; i < N; i++) {
            RecordingService service = new RecordingService(i);
            services.add(service);
            BftSmartReplica replica = new BftSmartReplica(i, settings, service, keys.get(i));
            replicas.add(replica);
            assertThat(replica.state()).isEqualTo(ReplicaState.STARTING);
        }
        services.get(LIAR).lying = true;
        for (BftSmartReplica replica : replicas) {
            replica.start(); // returns at once although the library blocks until its peers are up
            assertThat(replica.state()).isIn(ReplicaState.WAITING_FOR_PEERS, ReplicaState.READY);
        }
        CompletableFuture.allOf(replicas.stream().map(BftSmartReplica::ready).toArray(CompletableFuture[]::new))
                .get(45, TimeUnit.SECONDS);
        assertThat(replicas).allSatisfy(r -> assertThat(r.state()).isEqualTo(ReplicaState.READY));
        client = new BftSmartOrderingClient(settings, 1000, 4, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopGroup() {
        if (client != null) {
            client.close();
        }
        replicas.forEach(BftSmartReplica::close);
        assertThat(replicas).allSatisfy(r -> assertThat(r.state()).isEqualTo(ReplicaState.STOPPED));
    }

    @Test
    @Order(1)
    void theDeserializationFilterIsInstalledForTheWholeProcess() {
        assertThat(ObjectInputFilter.Config.getSerialFilter()).isSameAs(DeserializationFilter.filter());
    }

    @Test
    @Order(2)
    void concurrentOrderedCommandsLeaveEveryReplicaInTheSameState() throws Exception {
        int before = services.get(0).size();
        int count = 300;
        ExecutorService submitters = Executors.newFixedThreadPool(6);
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<CompletableFuture<byte[]>>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] command = ("cmd-" + i).getBytes(StandardCharsets.UTF_8);
                sent.add(submitters.submit(() -> client.submitOrdered(command)));
            }
            for (var s : sent) {
                replies.add(s.get(20, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(25, TimeUnit.SECONDS);
        } finally {
            submitters.shutdownNow();
        }

        // f+1 = 2 matching replies: the honest ones; replica 3's forgeries never win
        Set<Integer> positions = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String reply = new String(replies.get(i).get(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("ordered#").endsWith(":cmd-" + i);
            positions.add(Integer.parseInt(reply.substring("ordered#".length(), reply.indexOf(':'))));
        }
        assertThat(positions).hasSize(count).allSatisfy(p -> assertThat(p).isBetween(before + 1, before + count));

        awaitTrue(() -> services.stream().allMatch(s -> s.size() == before + count), Duration.ofSeconds(15));
        List<RecordingService.Entry> reference = services.get(0).log();
        for (RecordingService service : services) {
            assertThat(service.log()).isEqualTo(reference); // commands, consensus ids, indexes and timestamps
            assertThat(service.digest()).isEqualTo(services.get(0).digest());
        }
        assertConsistentOrderContexts(reference);
        assertThat(reference).anyMatch(e -> e.indexInBatch() > 0); // the leader batched requests
        assertThat(services).allSatisfy(s -> assertThat(s.preparedCount()).isPositive());
    }

    /** Positions run 0,1,2.. within a consensus instance, which share one agreed timestamp. */
    private static void assertConsistentOrderContexts(List<RecordingService.Entry> log) {
        for (int i = 1; i < log.size(); i++) {
            RecordingService.Entry previous = log.get(i - 1);
            RecordingService.Entry entry = log.get(i);
            if (entry.consensusId() == previous.consensusId()) {
                assertThat(entry.indexInBatch()).isEqualTo(previous.indexInBatch() + 1);
                assertThat(entry.timestamp()).isEqualTo(previous.timestamp());
            } else {
                assertThat(entry.consensusId()).isGreaterThan(previous.consensusId());
                assertThat(entry.indexInBatch()).isZero();
            }
        }
        assertThat(log.get(0).indexInBatch()).isZero();
        assertThat(log).allSatisfy(e -> assertThat(e.timestamp()).isPositive());
    }

    @Test
    @Order(3)
    void aSerializedObjectOfAForeignClassInAReplyIsRefusedAndOrderingGoesOn() throws Exception {
        // The library's client deserializes every reply's content (looking for a new view), so a
        // compromised replica could aim a gadget chain at clients: the filter must refuse it.
        long refusedBefore = DeserializationFilter.rejectedCount();
        byte[] reply = client.submitOrdered("gadget-1".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        assertThat(new String(reply, StandardCharsets.UTF_8)).startsWith("ordered#").endsWith(":gadget-1");
        awaitTrue(() -> DeserializationFilter.rejectedCount() > refusedBefore, Duration.ofSeconds(10));
        byte[] next = client.submitOrdered("after-gadget".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
        assertThat(new String(next, StandardCharsets.UTF_8)).endsWith(":after-gadget");
    }

    @Test
    @Order(4)
    void unorderedCommandsAreExecutedByEveryReplicaAndMatchedToo() throws Exception {
        int[] before = services.stream().mapToInt(RecordingService::unorderedCount).toArray();
        // The previous test's last ordered command was answered by f+1 replicas; the others may
        // still be executing it: start from the count every replica agrees on.
        awaitTrue(() -> services.stream().mapToInt(RecordingService::size).distinct().count() == 1, Duration.ofSeconds(10));
        int orderedBefore = services.get(0).size();
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            replies.add(client.submitUnordered(("probe-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            assertThat(new String(replies.get(i).get(), StandardCharsets.UTF_8)).isEqualTo("unordered:probe-" + i);
        }
        awaitTrue(() -> {
            for (int r = 0; r < N; r++) {
                if (services.get(r).unorderedCount() < before[r] + 50) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(10));
        assertThat(services).allSatisfy(s -> assertThat(s.size()).isEqualTo(orderedBefore));
    }

    @Test
    @Order(4)
    void unorderedCommandsOfOneStreamAreExecutedInTheOrderSentOnEveryReplica() throws Exception {
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String command = "stream-a:" + i;
            sent.add(command);
            replies.add(client.submitUnordered(command.getBytes(StandardCharsets.UTF_8), "stream-a"));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        awaitTrue(() -> services.stream().allMatch(s -> s.unorderedLog().stream()
                .filter(c -> c.startsWith("stream-a:")).count() == sent.size()), Duration.ofSeconds(10));
        for (int r = 0; r < N; r++) {
            assertThat(services.get(r).unorderedLog().stream().filter(c -> c.startsWith("stream-a:")).toList())
                    .as("replica %d executed the stream in the order sent", r).isEqualTo(sent);
        }
    }

    @Test
    @Order(5)
    void aStateTransferReplyFromALiveReplicaPassesTheFilter() throws Exception {
        RecordingService.Entry last = services.get(0).log().get(services.get(0).size() - 1);
        ApplicationState state = replicas.get(0).adapter().getState((int) last.consensusId(), true);
        assertThat(state).isInstanceOf(DefaultApplicationState.class);
        assertThat(state.getLastCID()).isEqualTo((int) last.consensusId());
        assertThat(((DefaultApplicationState) state).getMessageBatches()).isNotEmpty();
        InetSocketAddress[] addresses = settings.peers().stream()
                .map(p -> new InetSocketAddress(p.host(), p.port())).toArray(InetSocketAddress[]::new);
        SMMessage reply = new StandardSMMessage(0, state.getLastCID(), TOMUtil.SM_REPLY, -1, state,
                new View(0, new int[] {0, 1, 2, 3}, 1, addresses), 0, 0);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(reply); // what a replica sends a lagging peer, read with the process-wide filter
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            SMMessage read = (SMMessage) in.readObject();
            assertThat(read.getState().getLastCID()).isEqualTo(state.getLastCID());
            assertThat(read.getState().getSerializedState()).isEqualTo(state.getSerializedState());
        }
    }

    @Test
    @Order(6)
    void withoutFPlusOneMatchingRepliesARequestTimesOut() throws Exception {
        try (BftSmartOrderingClient impatient = new BftSmartOrderingClient(settings, 1100, 1, Duration.ofMillis(1500))) {
            long start = System.nanoTime();
            CompletableFuture<byte[]> reply = impatient.submitUnordered("diverge:x".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(OrderingTimeoutException.class).hasMessageContaining("no 2 matching replies within 1500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(8));
            // the same client still orders
            assertThat(new String(impatient.submitOrdered("after-timeout".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).endsWith(":after-timeout");
            impatient.close();
            assertThatThrownBy(() -> impatient.submitOrdered(new byte[] {1}).get(1, TimeUnit.SECONDS))
                    .cause().isInstanceOf(OrderingTimeoutException.class).hasMessageContaining("closed");
        }
    }

    @Test
    @Order(7)
    void aStoppedReplicaIsLeftOutAndTheOthersKeepOrderingAtFullSpeed() throws Exception {
        services.get(LIAR).lying = false;
        replicas.get(LIAR).close(); // replica 0 leads; stopping a follower needs no leader change
        assertThat(replicas.get(LIAR).state()).isEqualTo(ReplicaState.STOPPED);

        // The client's prober notices the refused connections within a couple of seconds. Until
        // then each send towards the dead replica waits ~1 s in the library.
        awaitTrue(() -> !contains(client.currentTargets(), LIAR), Duration.ofSeconds(10));
        assertThat(client.currentTargets()).containsExactly(0, 1, 2);

        int before = services.get(0).size();
        long start = System.nanoTime();
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(client.submitOrdered(("after-stop-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        // Without the health view 4 proxies would manage about 4 requests per second here.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        awaitTrue(() -> services.subList(0, 3).stream().allMatch(s -> s.size() == before + 200), Duration.ofSeconds(10));
        assertThat(services.get(1).log()).isEqualTo(services.get(0).log());
        assertThat(services.get(2).log()).isEqualTo(services.get(0).log());

        // What the health view saves: the library alone waits ~1 s per send for the dead replica.
        try (BftSmartOrderingClient plain = new BftSmartOrderingClient(settings, 1200, 1, Duration.ofSeconds(20), false)) {
            long plainStart = System.nanoTime();
            List<CompletableFuture<byte[]>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(plain.submitOrdered(("unguarded-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            CompletableFuture.allOf(slow.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(plain.currentTargets()).containsExactly(0, 1, 2, 3);
            assertThat(Duration.ofNanos(System.nanoTime() - plainStart)).isGreaterThan(Duration.ofMillis(2500));
        }
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
