package fitmon.broker.replication;

import java.time.Duration;

import fitmon.broker.logging.LibraryConsole;
import fitmon.replication.bftsmart.BftSmartReplica;
import fitmon.replication.bftsmart.ReplicaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts this process's replica with the application (off the main thread: the library blocks
 * until its peers connect) and ends the process when the application stops, because the library
 * leaves network threads behind that would keep the JVM alive.
 */
public class ReplicaRuntime implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRuntime.class);

    private final BftSmartReplica replica;
    private volatile boolean running;

    public ReplicaRuntime(BftSmartReplica replica) {
        this.replica = replica;
    }

    @Override
    public void start() {
        // before the library runs: it prints to System.out/System.err
        LibraryConsole.install();
        replica.failure().thenAccept(cause -> {
            LOG.error("replica {} stopped by itself ({}): ending the process", replica.replicaId(), cause.toString());
            BftSmartReplica.exitProcessSoon(Duration.ofSeconds(1), 1);
        });
        replica.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        LOG.info("stopping replica {}", replica.replicaId());
        replica.close();
        // Closed outside a JVM shutdown: end the process the library's threads would keep alive.
        BftSmartReplica.exitProcessSoon(Duration.ofSeconds(2), 0);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    public String state() {
        return replica.state().name();
    }

    /** Lab partitions: cuts this replica off from the given peers (empty heals); see {@link BftSmartReplica#silencePeers}. */
    public void silencePeers(java.util.Set<Integer> peers) {
        replica.silencePeers(peers);
    }

    public java.util.Set<Integer> silencedPeers() {
        return replica.silencedPeers();
    }

    /** What the replica restored from its data directory at start; null if memory-only or not yet. */
    public fitmon.replication.durability.ReplicaJournal.Restored restored() {
        return replica.restored();
    }

    /** What the replica is doing: ordering, idle, in a leader change, fetching the group's state. */
    public String activity() {
        return replica.activity();
    }

    public int regency() {
        return replica.regency();
    }

    public int leader() {
        return replica.leader();
    }

    public boolean ready() {
        return replica.state() == ReplicaState.READY;
    }
}
