package fitmon.gateway.auth.nonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class InMemoryNonceStoreTest {

    private static final Duration TTL = Duration.ofMinutes(10);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void firstUseIsAcceptedAndReplayIsRefused() {
        InMemoryNonceStore store = new InMemoryNonceStore(100, clock::get);

        assertThat(store.claim("key-1", "n-1", TTL)).isTrue();
        assertThat(store.claim("key-1", "n-1", TTL)).isFalse();
        assertThat(store.claim("key-1", "n-2", TTL)).isTrue();
    }

    @Test
    void nonceIsPerKey() {
        InMemoryNonceStore store = new InMemoryNonceStore(100, clock::get);

        assertThat(store.claim("key-1", "n-1", TTL)).isTrue();
        assertThat(store.claim("key-2", "n-1", TTL)).isTrue();
    }

    @Test
    void nonceIsRefusedUntilItsTtlEndsThenAcceptedAgain() {
        InMemoryNonceStore store = new InMemoryNonceStore(100, clock::get);
        store.claim("key-1", "n-1", TTL);

        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(store.claim("key-1", "n-1", TTL)).isFalse();

        clock.addAndGet(1);
        assertThat(store.claim("key-1", "n-1", TTL)).isTrue();
        // renewed for a full ttl from now
        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(store.claim("key-1", "n-1", TTL)).isFalse();
    }

    @Test
    void expiredNoncesArePurgedSoTheStoreDoesNotGrow() {
        InMemoryNonceStore store = new InMemoryNonceStore(1_000, clock::get);
        long step = TTL.toNanos() / 50; // about 50 nonces live at any time

        for (int i = 0; i < 100_000; i++) {
            assertThat(store.claim("key-1", "n-" + i, TTL)).isTrue();
            clock.addAndGet(step);
        }

        assertThat(store.size()).isLessThanOrEqualTo(51);
    }

    @Test
    void fullStoreRefusesNewNoncesRatherThanForgetLiveOnes() {
        InMemoryNonceStore store = new InMemoryNonceStore(3, clock::get);
        store.claim("key-1", "a", TTL);
        store.claim("key-1", "b", TTL);
        store.claim("key-1", "c", TTL);

        assertThatThrownBy(() -> store.claim("key-1", "d", TTL))
                .isInstanceOf(NonceStoreFullException.class)
                .hasMessageContaining("full");
        // every live nonce is still refused as a replay, even while full
        assertThat(store.claim("key-1", "a", TTL)).isFalse();
        assertThat(store.claim("key-1", "b", TTL)).isFalse();
        assertThat(store.claim("key-1", "c", TTL)).isFalse();

        clock.addAndGet(TTL.toNanos());
        assertThat(store.claim("key-1", "d", TTL)).isTrue();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void concurrentClaimsOfOneNonceHaveExactlyOneWinner() throws Exception {
        InMemoryNonceStore store = new InMemoryNonceStore(10_000, System::nanoTime);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 200; round++) {
                String nonce = "n-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    claims.add(pool.submit(() -> {
                        go.await();
                        return store.claim("key-1", nonce, TTL);
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> claim : claims) {
                    winners += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(winners).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentDistinctClaimsNeverExceedTheCapacity() throws Exception {
        InMemoryNonceStore store = new InMemoryNonceStore(1_000, System::nanoTime);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refusedFull = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 250; i++) {
                        try {
                            if (store.claim("key-1", thread + "-" + i, TTL)) {
                                accepted.incrementAndGet();
                            }
                        } catch (NonceStoreFullException e) {
                            refusedFull.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(accepted).hasValue(1_000);
        assertThat(refusedFull).hasValue(1_000);
        assertThat(store.size()).isEqualTo(1_000);
    }

    @Test
    void nonPositiveTtlIsRejected() {
        InMemoryNonceStore store = new InMemoryNonceStore(10, clock::get);

        assertThatThrownBy(() -> store.claim("key-1", "n", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim("key-1", "n", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneKeyCannotHoldMoreThanItsQuotaSoOtherKeysKeepTheirPlace() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        InMemoryNonceStore store = new InMemoryNonceStore(10, 4, clock::get);
        for (int i = 0; i < 4; i++) {
            assertThat(store.claim("greedy", "n-" + i, Duration.ofMinutes(10))).isTrue();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.claim("greedy", "n-4", Duration.ofMinutes(10)))
                .isInstanceOf(NonceQuotaExceededException.class);
        assertThat(store.size("greedy")).isEqualTo(4);
        // a replay is still told as such, not as a quota refusal
        assertThat(store.claim("greedy", "n-0", Duration.ofMinutes(10))).isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(store.claim("other", "n-" + i, Duration.ofMinutes(10))).isTrue();
        }
        // once its nonces expire the key has its quota back
        clock.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(store.claim("greedy", "n-5", Duration.ofMinutes(10))).isTrue();
        assertThat(store.size("greedy")).isEqualTo(1);
    }
}
