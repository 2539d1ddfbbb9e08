package fitmon.replication.bftsmart;

import bftsmart.statemanagement.StateManager;
import bftsmart.tom.MessageContext;
import bftsmart.tom.server.defaultservices.DefaultSingleRecoverable;
import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;

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
 */
final class ServiceAdapter extends DefaultSingleRecoverable {

    private final ReplicatedService service;
    private final Runnable onProgress;
    private final CatchUpStateManager stateManager = new CatchUpStateManager();
    private long currentConsensus = Long.MIN_VALUE;
    private int indexInBatch;

    ServiceAdapter(ReplicatedService service, Runnable onProgress) {
        this.service = service;
        this.onProgress = onProgress;
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
        byte[] reply = service.executeOrdered(command, new OrderContext(consensus, indexInBatch, context.getTimestamp()));
        onProgress.run();
        return reply;
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
        onProgress.run();
    }
}
