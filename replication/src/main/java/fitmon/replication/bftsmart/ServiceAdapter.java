package fitmon.replication.bftsmart;

import java.io.IOException;
import java.util.function.Consumer;

import bftsmart.statemanagement.ApplicationState;
import bftsmart.statemanagement.StateManager;
import bftsmart.tom.MessageContext;
import bftsmart.tom.server.defaultservices.DefaultApplicationState;
import bftsmart.tom.server.defaultservices.DefaultSingleRecoverable;
import bftsmart.tom.server.defaultservices.StateLog;
import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;
import fitmon.replication.durability.ReplicaJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the library's callbacks to our {@link ReplicatedService}. The library's recoverable logs
 * ordered commands with their contexts and replays them (timestamps included) during state
 * transfer, so the service sees the same calls on every replica.
 *
 * <p>What the library (0.0.8) does, read in its sources:
 * <ul>
 *   <li>{@code ServiceReplica.receiveMessages} runs on the single delivery thread and calls
 *       {@code executeOrdered} once per ordered request of a decided batch, in batch order. Every
 *       context of a batch carries the batch's consensus id and {@code firstRequest.timestamp}:
 *       the leader's clock when it proposed the batch, written into the proposal bytes that
 *       consensus agrees on, so identical on every correct replica. The library does not check it
 *       ("TODO: verify Timestamps"): a faulty leader may propose any value, and after a leader
 *       change it may go backwards. A service that needs monotonic time clamps it in its own
 *       replicated state (for instance {@code max(previous, timestamp)}).</li>
 *   <li>{@code MessageContext} has no index in batch (only {@code isLastInBatch}), so we count the
 *       calls per consensus id; every replica executes the same requests of a batch (the skipped
 *       ones, from an older view id, are skipped everywhere), so the count is deterministic.</li>
 *   <li>Unordered requests are executed on the Netty I/O thread that read them
 *       ({@code TOMLayer.requestReceived} → {@code DeliveryThread.deliverUnordered}), without the
 *       lock that guards ordered execution: concurrently with ordered execution and with other
 *       unordered requests. Their context timestamp is the local clock, so it is not passed on.</li>
 * </ul>
 *
 * <p>With a {@link ReplicaJournal}, every executed command is written to it (replies wait for it to
 * reach the disk, see {@link DurableReplier}), and before the replica asks its peers where the
 * group is, the state on disk is restored and handed to the library as a checkpoint at its
 * consensus id: the library then reports that id to its peers, continues ordering after it, and
 * can serve state transfer from it. After a state transfer the journal restarts from the
 * installed state.
 */
final class ServiceAdapter extends DefaultSingleRecoverable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAdapter.class);

    private final ReplicatedService service;
    private final Runnable onProgress;
    private final ReplicaJournal journal;
    private final Consumer<IOException> onJournalFailure;
    private final CatchUpStateManager stateManager = new CatchUpStateManager(this::handOverRestoredState);
    /** Batches to wait before trying again after a snapshot could not be written. */
    private int snapshotBackoff;
    private long currentConsensus = Long.MIN_VALUE;
    private int indexInBatch;
    /** True while the library replays or installs state: nothing to journal, no progress to report. */
    private boolean installing;
    private volatile ReplicaJournal.Restored restored;
    private volatile RestoredCheckpoint restoredCheckpoint;
    /** The last consensus id at which {@link #getState} said it had nothing to serve. */
    private volatile int unservableSaid = -1;

    /** The state restored from disk, served to peers that ask for exactly that consensus id. */
    private record RestoredCheckpoint(int consensusId, byte[] state, byte[] hash) {
    }

    ServiceAdapter(ReplicatedService service, Runnable onProgress) {
        this(service, onProgress, null, e -> { });
    }

    /**
     * @param journal          where executed commands go, or null to keep the state in memory only
     * @param onJournalFailure called when the state on disk can no longer follow the state in
     *                         memory; the replica must stop
     */
    ServiceAdapter(ReplicatedService service, Runnable onProgress, ReplicaJournal journal,
                   Consumer<IOException> onJournalFailure) {
        this.service = service;
        this.onProgress = onProgress;
        this.journal = journal;
        this.onJournalFailure = onJournalFailure;
    }

    @Override
    public byte[] appExecuteOrdered(byte[] command, MessageContext context) {
        long consensus = context.getConsensusId();
        if (consensus != currentConsensus) {
            currentConsensus = consensus;
            indexInBatch = 0;
        } else {
            indexInBatch++;
        }
        OrderContext order = new OrderContext(consensus, indexInBatch, context.getTimestamp());
        byte[] reply = service.executeOrdered(command, order);
        if (installing) {
            return reply;
        }
        if (context.isLastInBatch()) {
            batchEnded(consensus);
        }
        if (journal != null) {
            journal.append(order, command, context.isLastInBatch());
            if (context.isLastInBatch() && journal.snapshotDue() && --snapshotBackoff < 0) {
                try {
                    journal.snapshot(consensus, service.snapshot());
                } catch (IOException e) {
                    // The journal still holds everything since the last snapshot: go on, try later.
                    snapshotBackoff = 100;
                    LOG.error("replica could not write its snapshot to {} ({}); the journal keeps growing, next try "
                            + "in 100 batches", journal.directory(), e.toString());
                }
            }
        }
        onProgress.run();
        return reply;
    }

    /** After the last request of a batch: the library checkpoints at multiples of its period. */
    private void batchEnded(long consensus) {
        RestoredCheckpoint checkpoint = restoredCheckpoint;
        if (checkpoint != null && consensus > checkpoint.consensusId()
                && consensus % replicaContext.getStaticConfiguration().getCheckpointPeriod() == 0) {
            restoredCheckpoint = null; // the library's own checkpoint supersedes it
        }
    }

    /**
     * A decided batch with nothing to execute: the library logs it for its consensus id, and takes
     * a checkpoint if the id is a multiple of its period. Reached for an empty batch decided in a
     * leader change, through the placeholder {@link EmptyBatchQueue} gives it.
     */
    @Override
    public void noOp(int consensus, byte[][] operations, MessageContext[] contexts) {
        super.noOp(consensus, operations, contexts);
        batchEnded(consensus);
    }

    @Override
    public byte[] appExecuteUnordered(byte[] command, MessageContext context) {
        return service.executeUnordered(command);
    }

    /** The library asks for it once, when it builds the replica; the parent only reaches it through here. */
    @Override
    public StateManager getStateManager() {
        return stateManager;
    }

    CatchUpStateManager catchUpStateManager() {
        return stateManager;
    }

    @Override
    public byte[] getSnapshot() {
        return service.snapshot();
    }

    @Override
    public void installSnapshot(byte[] state) {
        // Checkpoints are taken after the last request of a batch; what follows starts a new batch.
        currentConsensus = Long.MIN_VALUE;
        indexInBatch = 0;
        service.restore(state);
        if (!installing) {
            onProgress.run();
        }
    }

    /** State transfer: the library installs its peers' checkpoint and replays their log after it. */
    @Override
    public int setState(ApplicationState state) {
        boolean wasInstalling = installing;
        installing = true;
        int last;
        try {
            last = super.setState(state);
        } finally {
            installing = wasInstalling;
        }
        restoredCheckpoint = null; // superseded by the group's state
        if (journal != null && last >= 0) {
            try {
                journal.snapshot(last, service.snapshot());
            } catch (IOException e) {
                // The journal follows the state this replica had before: it must not be replayed on it.
                onJournalFailure.accept(e);
            }
        }
        if (!installing) {
            onProgress.run();
        }
        return last;
    }

    /**
     * The library serves state only with the proof of its last batch, which a checkpoint restored
     * from disk lacks (consensus proofs are not journaled); until the library has batches of its
     * own after it, a peer asking for state at exactly the restored consensus id would get
     * nothing and stay behind. That state is served here instead: the receiving peer installs it
     * only once f+1 replicas sent the same hash.
     */
    @Override
    public ApplicationState getState(int cid, boolean sendState) {
        if (beyondLibraryLog(cid)) {
            if (cid != unservableSaid) { // the peer asks every second meanwhile: said once per id
                unservableSaid = cid;
                LOG.info("no state to serve a peer at consensus {}: the library's log cannot hand out its first period's last "
                        + "batch (the peer asks again once the group ordered more)", cid);
            }
            return new DefaultApplicationState();
        }
        ApplicationState state = super.getState(cid, true);
        RestoredCheckpoint checkpoint = restoredCheckpoint;
        if (state.getLastCID() < 0 && checkpoint != null && cid == checkpoint.consensusId()) {
            state = new DefaultApplicationState(null, cid, cid, checkpoint.state(), checkpoint.hash(),
                    replicaContext.getStaticConfiguration().getProcessId());
        }
        return served((DefaultApplicationState) state, sendState);
    }

    /**
     * True where the library's state log would throw for {@code cid}, holding its log lock for good
     * and ending the message thread that asked: it keeps the batches since its last checkpoint in
     * an array of period - 1 slots, but takes no checkpoint at id 0, so until its first checkpoint
     * it has one batch more than slots, and a peer asking for state at id period - 1 reads past
     * the array. Read without the library's lock: its checkpoint id only grows meanwhile, which
     * only makes the answer "no" where it was "yes".
     */
    private boolean beyondLibraryLog(int cid) {
        try {
            StateLog log = (StateLog) LibraryFields.field(DefaultSingleRecoverable.class, "log").get(this);
            return log != null && log.getMessageBatches() != null
                    && (long) cid - log.getLastCheckpointCID() > log.getMessageBatches().length;
        } catch (ReflectiveOperationException e) {
            return false; // the library as it is: only the first period's last id is at risk
        }
    }

    /**
     * What is sent: the checkpoint bytes only to the peer asked for the full state, its hash to
     * all. The checkpoint passes through {@link ReplicatedService#checkpointForPeer} first, where
     * only a lab replica changes it (and then the hash follows the changed bytes).
     */
    private DefaultApplicationState served(DefaultApplicationState state, boolean sendState) {
        byte[] held = state.getSerializedState();
        byte[] checkpoint = held == null ? null : service.checkpointForPeer(held);
        byte[] hash = checkpoint == held ? state.getStateHash() : computeHash(checkpoint);
        if (sendState && checkpoint == held) {
            return state;
        }
        if (state.getLastCID() < 0 && held == null) {
            return state; // nothing held: the library's empty answer
        }
        return new DefaultApplicationState(state.getMessageBatches(), state.getLastCheckpointCID(), state.getLastCID(),
                sendState ? checkpoint : null, hash, replicaContext.getStaticConfiguration().getProcessId());
    }

    /** What the replica restored from disk at start, null before that or without a journal. */
    ReplicaJournal.Restored restored() {
        return restored;
    }

    ReplicaJournal journal() {
        return journal;
    }

    /** Set by the library before it can deliver anything. */
    bftsmart.tom.ReplicaContext replicaContext() {
        return replicaContext;
    }

    /**
     * Reads the state on disk into the service, before the library is built (a damaged file then
     * stops the start with nothing of the library running).
     */
    void restoreFromDisk() throws IOException {
        if (journal == null) {
            return;
        }
        ReplicaJournal.Restored found = journal.restore(service);
        restored = found;
        if (found.empty()) {
            LOG.info("replica state directory {} holds no ordered state yet: starting empty", journal.directory());
        } else {
            LOG.info("replica restored its state up to consensus {} from {} (snapshot at {}, {} batches and {} commands "
                    + "replayed)", found.consensusId(), journal.directory(), found.snapshotConsensusId(),
                    found.batchesReplayed(), found.commandsReplayed());
        }
    }

    /**
     * Runs on the starting thread before the library asks its peers for the current consensus id
     * (the library's layers exist then, nothing is delivered yet): the restored state becomes the
     * library's checkpoint at its consensus id.
     */
    private void handOverRestoredState() {
        ReplicaJournal.Restored found = restored;
        if (found == null || found.empty()) {
            return;
        }
        int consensus = Math.toIntExact(found.consensusId());
        byte[] snapshot = service.snapshot();
        byte[] hash = computeHash(snapshot);
        installing = true;
        try {
            // The library's log starts at a checkpoint at this consensus id, as if it had taken it itself.
            super.setState(new DefaultApplicationState(null, consensus, consensus, snapshot, hash,
                    replicaContext.getStaticConfiguration().getProcessId()));
        } finally {
            installing = false;
        }
        restoredCheckpoint = new RestoredCheckpoint(consensus, snapshot, hash);
        stateManager.layer().setLastExec(consensus);
        stateManager.setLastCID(consensus);
        if (found.batchesReplayed() > 0) {
            try {
                journal.snapshot(consensus, snapshot);
            } catch (IOException e) {
                LOG.warn("replica could not compact its journal into a snapshot at start ({}); it keeps the journal",
                        e.toString());
            }
        }
    }

}
