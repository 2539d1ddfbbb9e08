package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.DeliveryThread;
import bftsmart.tom.core.messages.TOMMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's queue of decided instances waiting for execution, without the instances that
 * decided an empty batch.
 *
 * <p>A new leader that finishes a leader change proposes whatever requests it holds, possibly none
 * ({@code Synchronizer.catch_up}). The library's delivery thread reads the first request of every
 * decided batch and throws on an empty one; it catches that, but drops every decision it had taken
 * from the queue in the same round, requests included, which were then never executed (seen at
 * start, after leader changes while replicas were still connecting: the whole group stopped
 * executing, and a replica that took other decisions in that round than its peers would have lost
 * different requests). An empty batch has nothing to execute: leaving it out of the queue is what
 * executing it means. The library has marked it executed already when it queues it.
 */
final class EmptyDecisions extends LinkedBlockingQueue<Decision> {

    private static final Logger LOG = LoggerFactory.getLogger(EmptyDecisions.class);

    private final AtomicLong skipped = new AtomicLong();

    /** Puts this queue in place of the delivery thread's own; that one must still be empty. */
    static EmptyDecisions replaceIn(DeliveryThread delivery) throws ReflectiveOperationException {
        Field field = LibraryFields.field(DeliveryThread.class, "decided");
        @SuppressWarnings("unchecked")
        LinkedBlockingQueue<Decision> old = (LinkedBlockingQueue<Decision>) field.get(delivery);
        EmptyDecisions replacement = new EmptyDecisions();
        old.drainTo(replacement);
        field.set(delivery, replacement);
        return replacement;
    }

    @Override
    public void put(Decision decision) throws InterruptedException {
        if (offer(decision)) {
            return;
        }
        super.put(decision);
    }

    @Override
    public boolean offer(Decision decision) {
        if (isEmptyBatch(decision)) {
            long count = skipped.incrementAndGet();
            LOG.info("consensus {} decided an empty batch (a leader change with no request pending): nothing to execute "
                    + "({} such so far)", decision.getConsensusId(), count);
            return true;
        }
        return super.offer(decision);
    }

    /** Empty batches left out so far. */
    long skipped() {
        return skipped.get();
    }

    /** Only what the proposal check already read: an undecoded value is left to the library. */
    static boolean isEmptyBatch(Decision decision) {
        TOMMessage[] requests = decision.getDeserializedValue();
        return requests != null && requests.length == 0;
    }
}
