package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.DeliveryThread;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's queue of decided instances waiting for execution, which gives each instance that
 * decided an empty batch one placeholder request the library then logs as a no-op.
 *
 * <p>A new leader that finishes a leader change proposes whatever requests it holds, possibly none
 * ({@code Synchronizer.catch_up}). The library's delivery thread reads the first request of every
 * decided batch and throws on an empty one; it catches that, but drops every decision it had taken
 * from the queue in the same round, requests included, which are then never executed (seen at
 * start, after leader changes while replicas were still connecting: the whole group stopped
 * executing). Leaving the instance out is not enough: the library's state log keeps one batch per
 * consensus id, found by position, and checkpoints by id; a missing id shifts every later batch,
 * can skip a checkpoint, and the next state transfer across it throws in the message thread of
 * every replica that serves it.
 *
 * <p>The placeholder is a request of a view id no replica will ever reach. {@code
 * ServiceReplica.receiveMessages} executes nothing of a batch whose requests belong to another
 * view and hands the batch to the recoverer's {@code noOp} instead (the path it takes for a batch
 * of reconfigurations only), with the instance's own proof: the state log gets a no-op batch for
 * that id, checkpoints stay on schedule, a peer catching up skips it. The placeholder has no
 * sender, session or time, so every replica logs the same one. The swap happens as the delivery
 * thread drains the queue, after {@code delivery} took its copy of the requests for the clients
 * manager (it holds the queue's lock until then): no request is marked ordered for it.
 */
final class EmptyBatchQueue extends LinkedBlockingQueue<Decision> {

    private static final Logger LOG = LoggerFactory.getLogger(EmptyBatchQueue.class);

    /** A view id beyond any the group will reach: requests of it are neither executed nor answered. */
    static final int NO_VIEW = Integer.MAX_VALUE;

    private final transient Field requests;
    private final AtomicLong emptyBatches = new AtomicLong();

    private EmptyBatchQueue(Field requests) {
        this.requests = requests;
    }

    /**
     * Puts a new queue in place of the delivery thread's own. Call before anything can be decided
     * (the library builds its layers, then starts its message thread): the delivery thread reads
     * the field afresh each time it drains.
     */
    static EmptyBatchQueue replaceIn(DeliveryThread delivery) throws ReflectiveOperationException {
        Field field = LibraryFields.field(DeliveryThread.class, "decided");
        @SuppressWarnings("unchecked")
        LinkedBlockingQueue<Decision> old = (LinkedBlockingQueue<Decision>) field.get(delivery);
        EmptyBatchQueue replacement = forDecisions();
        old.drainTo(replacement);
        field.set(delivery, replacement);
        return replacement;
    }

    /** A queue not yet installed anywhere. */
    static EmptyBatchQueue forDecisions() throws ReflectiveOperationException {
        return new EmptyBatchQueue(LibraryFields.field(Decision.class, "deserializedValue"));
    }

    @Override
    public int drainTo(Collection<? super Decision> into) {
        return drainTo(into, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Decision> into, int max) {
        int drained = 0;
        Decision decision;
        while (drained < max && (decision = poll()) != null) {
            if (decision.getDeserializedValue().length == 0) {
                givePlaceholder(decision);
            }
            into.add(decision);
            drained++;
        }
        return drained;
    }

    private void givePlaceholder(Decision decision) {
        TOMMessage placeholder = new TOMMessage(-1, 0, 0, 0, new byte[0], NO_VIEW, TOMMessageType.ORDERED_REQUEST);
        try {
            requests.set(decision, new TOMMessage[] {placeholder});
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the decision's requests were made accessible at start", e);
        }
        long count = emptyBatches.incrementAndGet();
        LOG.info("consensus {} decided an empty batch (a leader change whose new leader held no request): logged as a "
                + "no-op ({} so far)", decision.getConsensusId(), count);
    }

    /** Empty batches given a placeholder so far. */
    long emptyBatches() {
        return emptyBatches.get();
    }
}
