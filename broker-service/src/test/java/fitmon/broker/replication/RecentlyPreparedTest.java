package fitmon.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RecentlyPreparedTest {

    @Test
    void aRequestIsPreparedOnceWhateverArrayCarriesIt() {
        AtomicInteger runs = new AtomicInteger();
        RecentlyPrepared prepared = new RecentlyPrepared(10, Runnable::run);
        assertThat(prepared.startOnce(new byte[] {1, 2, 3}, runs::incrementAndGet)).isTrue();
        assertThat(prepared.startOnce(new byte[] {1, 2, 3}, runs::incrementAndGet)).isFalse();
        assertThat(prepared.startOnce(new byte[] {1, 2, 4}, runs::incrementAndGet)).isTrue();
        assertThat(prepared.startOnce(new byte[] {1, 2, 3, 0}, runs::incrementAndGet)).as("a longer request is another one")
                .isTrue();
        assertThat(runs).hasValue(3);
    }

    @Test
    void theHashSeesEveryByteAndTheLength() {
        java.util.Random random = new java.util.Random(7);
        for (int length : new int[] {0, 1, 7, 8, 9, 31, 64, 1000}) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            long hash = RecentlyPrepared.hash64(bytes);
            assertThat(RecentlyPrepared.hash64(bytes.clone())).isEqualTo(hash);
            for (int i = 0; i < length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] flipped = bytes.clone();
                    flipped[i] ^= (byte) (1 << bit);
                    assertThat(RecentlyPrepared.hash64(flipped)).as("byte %d bit %d of %d", i, bit, length)
                            .isNotEqualTo(hash);
                }
            }
            assertThat(RecentlyPrepared.hash64(java.util.Arrays.copyOf(bytes, length + 1))).as("a zero appended")
                    .isNotEqualTo(hash);
        }
    }

    @Test
    void itHoldsAtMostItsCapacityAndThenStartsAfresh() {
        RecentlyPrepared prepared = new RecentlyPrepared(100, Runnable::run);
        for (int i = 0; i < 100; i++) {
            assertThat(prepared.startOnce(new byte[] {(byte) i, (byte) (i >> 8)}, () -> { })).isTrue();
        }
        assertThat(prepared.size()).isEqualTo(100);
        assertThat(prepared.startOnce(new byte[] {5, 0}, () -> { })).as("still remembered at capacity").isFalse();
        assertThat(prepared.startOnce(new byte[] {(byte) 200, 0}, () -> { })).isTrue();
        assertThat(prepared.size()).isEqualTo(1);
        assertThat(prepared.startOnce(new byte[] {5, 0}, () -> { })).as("forgotten once full").isTrue();
    }

    @Test
    void executionWaitsForThePreparationStartedOnThePoolAndTheCallerDoesNot() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            RecentlyPrepared prepared = new RecentlyPrepared(10, pool);
            byte[] request = {9, 9, 9};
            assertThat(prepared.startOnce(request, () -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
            })).as("returns while the work still runs").isTrue();
            assertThat(finished).hasValue(0);
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                release.countDown();
            });
            releaser.start();
            prepared.awaitPrepared(request.clone());
            assertThat(finished).as("awaited until the preparation was over").hasValue(1);
            assertThat(prepared.size()).isZero();
            prepared.awaitPrepared(new byte[] {1}); // never prepared: returns at once
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPoolThatRefusesWorkLeavesNothingToWaitFor() {
        RecentlyPrepared prepared = new RecentlyPrepared(10, r -> {
            throw new RejectedExecutionException("full");
        });
        AtomicInteger runs = new AtomicInteger();
        assertThat(prepared.startOnce(new byte[] {1}, runs::incrementAndGet)).isTrue();
        prepared.awaitPrepared(new byte[] {1});
        assertThat(runs).hasValue(0);
    }
}
