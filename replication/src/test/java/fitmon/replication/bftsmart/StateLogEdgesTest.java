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
 * The library's state log at its edges, with real replicas in this JVM; in each test replica 3
 * stops, the three others order on, and a new, empty replica 3 catches up by state transfer.
 *
 * <p>Empty batches decided in leader changes (the new leader held no request), with real replicas in
 * the group: one at a consensus id where the library checkpoints, one between checkpoints. The
 * library alone throws in its delivery thread on such a batch and leaves a hole in its state log:
 * no checkpoint at that id, every later batch one position off, and the next state transfer throws
 * in the message thread of every replica that serves it. Here replica 3 stops, the three others
 * order through both leader changes, and a new, empty replica 3 must be served the checkpoint
 * taken at the first empty id and the log after it, the second one's no-op batch included, and
 * end with the same log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StateLogEdgesTest {

    private static final int N = 4;
    private static final int CHECKPOINT_PERIOD = 4;

    private final List<RecordingService> services = new ArrayList<>();
    private final List<BftSmartReplica> replicas = new ArrayList<>();
    private BftSmartOrderingClient client;
    private ReplicationSettings settings;
    private List<ReplicaKeys> keys;
    private int ordered;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        replicas.forEach(BftSmartReplica::close);
    }

    @Test
    void aReplicaCatchesUpAcrossEmptyBatchesDecidedAtACheckpointAndBetweenCheckpoints() throws Exception {
        startGroupWithoutReplica3();
        List<Integer> early = List.of(0, 1, 2);

        // One request at a time, one batch each, until the next id is a checkpoint id past the first.
        order(1);
        for (int next = settled(early) + 1; next % CHECKPOINT_PERIOD != 0 || next < 2 * CHECKPOINT_PERIOD;
                next = settled(early) + 1) {
            order(1);
        }
        int atCheckpoint = emptyBatchByLeaderChange(early, 1);
        order(1);
        int inTheLog = emptyBatchByLeaderChange(early, 2); // between checkpoints: in the log a peer is sent
        assertThat(inTheLog % CHECKPOINT_PERIOD).isNotZero();
        order(1);
        for (int i : early) {
            int replica = i;
            awaitTrue("replica " + i + " to execute all " + ordered, () -> services.get(replica).size() == ordered);
        }
        List<RecordingService.Entry> log = services.get(0).log();
        assertThat(log).extracting(RecordingService.Entry::consensusId)
                .doesNotContain((long) atCheckpoint, (long) inTheLog);
        assertThat(services.get(1).log()).isEqualTo(log);
        assertThat(services.get(2).log()).isEqualTo(log);

        startEmptyReplica3(true);
        awaitTrue("replica 3 to catch up", () -> services.get(3).size() == ordered);
        assertThat(services.get(3).log()).isEqualTo(log);
        awaitTrue("replica 3's library to take the installed state's last id", () -> lastExecuted(3) == lastExecuted(0));

        // And it orders with the others from there.
        order(1);
        awaitTrue("replica 3 to execute the next one", () -> services.get(3).size() == ordered);
        assertThat(services.get(3).log()).isEqualTo(services.get(0).log());
        for (int i : early) {
            assertThat(replicas.get(i).emptyBatchesDecided()).as("empty batches replica %d logged as no-ops", i).isEqualTo(2);
        }
    }

    /**
     * Before its first checkpoint the library's log holds one batch more than it has slots (it
     * takes no checkpoint at id 0); a peer asking for state at the last id of that first period
     * made it throw in the message thread of every replica that served it, and the group stopped.
     * Now they answer that they have no state there, and the peer gets it once more is ordered.
     */
    @Test
    void aReplicaAskingForStateAtTheFirstPeriodsLastIdLeavesTheOthersOrdering() throws Exception {
        startGroupWithoutReplica3();
        List<Integer> running = List.of(0, 1, 2);
        while (settled(running) < CHECKPOINT_PERIOD - 1) {
            order(1);
        }
        assertThat(settled(running)).isEqualTo(CHECKPOINT_PERIOD - 1);
        startEmptyReplica3(false); // it joins only once it has the state, which needs more ordered
        awaitTrue("replica 3 to ask for the state at " + (CHECKPOINT_PERIOD - 1), () -> replicas.get(3).adapter() != null
                && replicas.get(3).adapter().catchUpStateManager().lastStateRequested() == CHECKPOINT_PERIOD - 1);
        Thread.sleep(1000); // its peers answer within milliseconds on loopback; only then is more ordered
        order(3);
        replicas.get(3).ready().get(60, TimeUnit.SECONDS);
        awaitTrue("replica 3 to catch up", () -> services.get(3).size() == ordered);
        assertThat(services.get(3).log()).isEqualTo(services.get(0).log());
    }

    /** Four replicas, one command ordered by all, then replica 3 stops: its peers keep the keys they share with it. */
    private void startGroupWithoutReplica3() throws Exception {
        ReplicationSettings base = TestGroup.settings(N, 1);
        // a long ordering timeout: no leader change but the ones a test starts, even on a loaded machine
        settings = new ReplicationSettings(base.peers(), 1, Duration.ofSeconds(20), base.maxBatchSize(), CHECKPOINT_PERIOD,
                base.queueSize());
        keys = TestGroup.keys(N);
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
        replicas.get(3).close();
    }

    /**
     * A new replica 3 in this JVM, empty, once the library let go of the old one's ports (its peer
     * socket closes at the next timeout of its accept loop, up to 10 s).
     */
    private void startEmptyReplica3(boolean awaitReady) throws Exception {
        awaitTrue("replica 3's ports to be free", () -> free(settings.peers().get(3).port())
                && free(settings.peers().get(3).port() + 1));
        services.set(3, new RecordingService(3));
        replicas.set(3, new BftSmartReplica(3, settings, services.get(3), keys.get(3)));
        replicas.get(3).start();
        if (awaitReady) {
            replicas.get(3).ready().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * With nothing pending anywhere, f + 1 replicas start a leader change; its new leader proposes
     * an empty batch. Returns that batch's consensus id. Not all three: the third joins once it
     * has f + 1 STOPs, and a late call of ours could start yet another leader change.
     */
    private int emptyBatchByLeaderChange(List<Integer> running, int regency) throws InterruptedException {
        int last = settled(running);
        layer(0).getSynchronizer().triggerTimeout(new ArrayList<>());
        layer(1).getSynchronizer().triggerTimeout(new ArrayList<>());
        for (int i : running) {
            awaitTrue("replica " + i + " to decide the empty batch", () -> lastExecuted(i) == last + 1);
            assertThat(replicas.get(i).regency()).isEqualTo(regency);
        }
        return last + 1;
    }

    private void order(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            ordered++;
            byte[] reply = client.submitOrdered(("command-" + ordered).getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            assertThat(new String(reply, StandardCharsets.UTF_8)).endsWith(":command-" + ordered);
        }
    }

    /**
     * The last consensus id every running replica executed, once they all executed it: the client
     * returns on f + 1 replies, so one replica may still be a batch behind.
     */
    private int settled(List<Integer> running) throws InterruptedException {
        awaitTrue("replicas " + running + " to have executed the same", () -> running.stream()
                .map(this::lastExecuted).distinct().count() == 1);
        return lastExecuted(running.get(0));
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
