package fitmon.replication.bftsmart;

import bftsmart.tom.MessageContext;
import bftsmart.tom.server.defaultservices.DefaultSingleRecoverable;
import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;

/**
 * Feeds the library's callbacks to our {@link ReplicatedService}. The library's recoverable logs
 * ordered commands with their contexts and replays them (timestamps included) during state
 * transfer, so the service sees the same calls on every replica.
 */
final class ServiceAdapter extends DefaultSingleRecoverable {

    private final ReplicatedService service;
    private final Runnable onProgress;
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

    @Override
    public byte[] getSnapshot() {
        return service.snapshot();
    }

    @Override
    public void installSnapshot(byte[] state) {
        service.restore(state);
        onProgress.run();
    }
}
