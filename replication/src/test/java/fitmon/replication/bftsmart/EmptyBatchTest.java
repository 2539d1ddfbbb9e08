package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import bftsmart.tom.core.TOMLayer;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicationSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An empty batch decided in a leader change (the new leader held no request), at a consensus id
 * where the library checkpoints, with real replicas in this JVM. The library alone throws in its
 * delivery thread on such a batch and leaves a hole in its state log there: no checkpoint at that
 * id, and every later batch one position off, so the state it serves a peer that catches up is
 * wrong or missing. Here replica 3 stops, the three others order, go through the leader change and
 * order on, and a new, empty replica 3 must fetch their state across that id and end with the
 * same log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmptyBatchTest {

    private static final int N = 4;
    private static final int CHECKPOINT_PERIOD = 4;

    private final List<RecordingService> services = new ArrayList<>();
    private final List<BftSmartReplica> replicas = new ArrayList<>();
    private BftSmartOrderingClient client;
    private int ordered;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        replicas.forEach(BftSmartReplica::close);
    }

    @Test
    void aReplicaCatchesUpAcrossAnEmptyBatchDecidedAtACheckpoint() throws Exception {
        ReplicationSettings base = TestGroup.settings(N, 1);
        ReplicationSettings settings = new ReplicationSettings(base.peers(), 1, Duration.ofSeconds(1),
                base.maxBatchSize(), CHECKPOINT_PERIOD, base.queueSize());
        List<ReplicaKeys> keys = TestGroup.keys(N);
        for (int i = 0; i < N; i++) {
            services.add(new RecordingService(i));
            replicas.add(new BftSmartReplica(i, settings, services.get(i), keys.get(i)));
        }
        for (BftSmartReplica replica : replicas) {
            replica.start();
        }
        CompletableFuture.allOf(replicas.stream().map(BftSmartReplica::ready).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        client = new BftSmartOrderingClient(settings, 1000, 1, Duration.ofSeconds(20));
        order(1);
        // Replica 3 stops; its peers keep the keys they share with it, so three of them go on ordering.
        List<Integer> early = List.of(0, 1, 2);
        replicas.get(3).close();

        // One request at a time, one batch each, until the next id is a multiple of the period.
        order(1);
        while ((lastExecuted(0) + 1) % CHECKPOINT_PERIOD != 0) {
            order(1);
        }
        int emptyId = lastExecuted(0) + 1;
        for (int i : early) {
            awaitTrue("replica " + i + " to execute up to " + (emptyId - 1), () -> lastExecuted(i) == emptyId - 1);
        }

        // Nothing pending anywhere: the leader change's new leader proposes an empty batch.
        for (int i : early) {
            layer(i).getSynchronizer().triggerTimeout(new ArrayList<>());
        }
        for (int i : early) {
            awaitTrue("replica " + i + " to decide the empty batch", () -> lastExecuted(i) == emptyId);
            assertThat(replicas.get(i).regency()).isEqualTo(1);
        }

        order(2);
        for (int i : early) {
            int replica = i;
            awaitTrue("replica " + i + " to execute all " + ordered, () -> services.get(replica).size() == ordered);
        }
        List<RecordingService.Entry> log = services.get(0).log();
        assertThat(log).extracting(RecordingService.Entry::consensusId).doesNotContain((long) emptyId);
        assertThat(services.get(1).log()).isEqualTo(log);
        assertThat(services.get(2).log()).isEqualTo(log);

        // The late replica is served the checkpoint taken at the empty batch's id and the batches after it.
        // A new replica 3 in this JVM, empty, once the library let go of the old one's ports (its
        // peer socket closes at the next timeout of its accept loop, up to 10 s).
        awaitTrue("replica 3's ports to be free", () -> free(settings.peers().get(3).port())
                && free(settings.peers().get(3).port() + 1));
        services.set(3, new RecordingService(3));
        replicas.set(3, new BftSmartReplica(3, settings, services.get(3), keys.get(3)));
        replicas.get(3).start();
        replicas.get(3).ready().get(60, TimeUnit.SECONDS);
        awaitTrue("replica 3 to catch up", () -> services.get(3).size() == ordered);
        assertThat(services.get(3).log()).isEqualTo(log);
        assertThat(lastExecuted(3)).isEqualTo(lastExecuted(0));

        // And it orders with the others from there.
        order(1);
        awaitTrue("replica 3 to execute the next one", () -> services.get(3).size() == ordered);
        assertThat(services.get(3).log()).isEqualTo(services.get(0).log());
        for (int i : early) {
            assertThat(replicas.get(i).emptyBatchesDecided()).as("empty batches replica %d logged as no-ops", i).isEqualTo(1);
        }
    }

    private void order(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ordered++;
            byte[] reply = client.submitOrdered(("command-" + ordered).getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            assertThat(new String(reply, StandardCharsets.UTF_8)).endsWith(":command-" + ordered);
        }
    }

    private TOMLayer layer(int replica) {
        return replicas.get(replica).adapter().catchUpStateManager().layer();
    }

    private int lastExecuted(int replica) {
        return layer(replica).getLastExec();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
