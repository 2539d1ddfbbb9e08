package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.DeliveryThread;
import bftsmart.tom.core.messages.TOMMessage;

/**
 * The library's queue of decided instances waiting for execution, which hands each instance that
 * decided an empty batch to a placeholder handler instead of to the library's delivery code.
 *
 * <p>A new leader that finishes a leader change proposes whatever requests it holds, possibly none
 * ({@code Synchronizer.catch_up}). The library's delivery thread reads the first request of every
 * decided batch and throws on an empty one; it catches that, but drops every decision it had taken
 * from the queue in the same round, requests included, which are then never executed (seen at
 * start, after leader changes while replicas were still connecting: the whole group stopped
 * executing). Leaving the instance out is not enough: the library's state log keeps one batch per
 * consensus id, counted by position, and checkpoints by id; a missing id shifts every later batch
 * and can skip a checkpoint. So the handler logs a no-op batch for that id (see
 * {@code ServiceAdapter.emptyBatchDecided}), in order: an empty batch is handed over only when it
 * is at the head of the queue, after every decision queued before it went to the library.
 *
 * <p>Only the delivery thread drains this queue, under the library's delivery lock, which the state
 * transfer also holds while it clears the queue; so the head seen is the head taken.
 */
final class EmptyBatchQueue extends LinkedBlockingQueue<Decision> {

    private final transient Consumer<Decision> placeholder;
    private final AtomicLong emptyBatches = new AtomicLong();

    EmptyBatchQueue(Consumer<Decision> placeholder) {
        this.placeholder = placeholder;
    }

    /**
     * Puts a new queue in place of the delivery thread's own. Call before anything can be decided
     * (the library builds its layers, then starts ordering): the delivery thread reads the field
     * afresh each time it drains.
     */
    static EmptyBatchQueue replaceIn(DeliveryThread delivery, Consumer<Decision> placeholder)
            throws ReflectiveOperationException {
        Field field = LibraryFields.field(DeliveryThread.class, "decided");
        @SuppressWarnings("unchecked")
        LinkedBlockingQueue<Decision> old = (LinkedBlockingQueue<Decision>) field.get(delivery);
        EmptyBatchQueue replacement = new EmptyBatchQueue(placeholder);
        old.drainTo(replacement);
        field.set(delivery, replacement);
        return replacement;
    }

    @Override
    public int drainTo(Collection<? super Decision> into) {
        return drainTo(into, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Decision> into, int max) {
        int drained = 0;
        while (drained < max) {
            Decision head = peek();
            if (head == null) {
                break;
            }
            if (isEmptyBatch(head)) {
                if (drained > 0) {
                    break; // what was decided before it executes first; the next drain starts with it
                }
                poll();
                emptyBatches.incrementAndGet();
                placeholder.accept(head);
                continue;
            }
            into.add(poll());
            drained++;
        }
        return drained;
    }

    /** Empty batches handed to the placeholder so far. */
    long emptyBatches() {
        return emptyBatches.get();
    }

    static boolean isEmptyBatch(Decision decision) {
        TOMMessage[] requests = decision.getDeserializedValue();
        return requests.length == 0;
    }
}
