package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ByteBoundedSendQueueTest {

    @Test
    void aPeerThatStopsReadingHoldsAtMostTheByteLimit() {
        AtomicLong dropped = new AtomicLong();
        ByteBoundedSendQueue queue = new ByteBoundedSendQueue(1000, 1_000_000, dropped);
        // 1000 proposals of 100 KB each fit the library's count bound, not the byte bound.
        int accepted = 0;
        for (int i = 0; i < 1000; i++) {
            if (queue.offer(new byte[100_000])) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(queue.bytes()).isEqualTo(1_000_000);
        assertThat(dropped).hasValue(990);
    }

    @Test
    void theCountBoundStillHoldsAndSendingFreesRoom() throws InterruptedException {
        AtomicLong dropped = new AtomicLong();
        ByteBoundedSendQueue queue = new ByteBoundedSendQueue(3, 1_000_000, dropped);
        for (int i = 0; i < 5; i++) {
            queue.offer(new byte[10]);
        }
        assertThat(queue).hasSize(3);
        assertThat(dropped).hasValue(2);
        assertThat(queue.poll(10, TimeUnit.MILLISECONDS)).hasSize(10);
        assertThat(queue.bytes()).isEqualTo(20);
        queue.clear();
        assertThat(queue.bytes()).isZero();
        assertThat(queue.offer(new byte[10])).isTrue();
    }

    @Test
    void aMessageLargerThanTheLimitIsTakenIntoAnEmptyQueue() {
        ByteBoundedSendQueue queue = new ByteBoundedSendQueue(10, 100, new AtomicLong());
        assertThat(queue.offer(new byte[500])).isTrue();
        assertThat(queue.offer(new byte[1])).isFalse();
    }
}
