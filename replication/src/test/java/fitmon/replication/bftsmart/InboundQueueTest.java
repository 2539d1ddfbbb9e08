package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import bftsmart.communication.SystemMessage;
import bftsmart.tom.leaderchange.LCMessage;
import bftsmart.tom.util.TOMUtil;
import org.junit.jupiter.api.Test;

/**
 * The receive queue's consumer may send itself a message while the queue is full (a leader
 * forwarding requests to itself): with the library's queue that {@code put} never returns.
 */
class InboundQueueTest {

    private static SystemMessage message() {
        return new LCMessage(0, TOMUtil.STOP, 1, null);
    }

    @Test
    void theConsumerSendingItselfAMessageIntoAFullQueueDropsItInsteadOfWaitingForever() throws Exception {
        InboundQueue queue = new InboundQueue(3, 60_000);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < 5; i++) {
                    queue.put(message());
                }
                done.complete(null);
            } catch (InterruptedException e) {
                done.completeExceptionally(e);
            }
        });
        queue.consumer(consumer);
        consumer.start();
        done.get(10, TimeUnit.SECONDS);
        assertThat(queue).hasSize(3);
        assertThat(queue.droppedSelfMessages()).isEqualTo(2);
    }

    @Test
    void anotherThreadWaitsABoundedTimeThenDrops() throws Exception {
        InboundQueue queue = new InboundQueue(1, 200);
        queue.consumer(new Thread(() -> { }));
        queue.put(message());
        long start = System.nanoTime();
        queue.put(message());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(150);
        assertThat(queue.droppedSelfMessages()).isEqualTo(1);
        queue.poll();
        queue.put(message());
        assertThat(queue).hasSize(1);
    }
}
