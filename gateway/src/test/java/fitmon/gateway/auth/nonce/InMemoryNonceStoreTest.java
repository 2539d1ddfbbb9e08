package fitmon.gateway.auth.nonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class InMemoryNonceStoreTest {

    private final AtomicLong now = new AtomicLong();
    private static final Duration TTL = Duration.ofMinutes(10);

    @Test
    void aReplayWithinTheTtlIsRefusedAndAllowedAfterIt() {
        InMemoryNonceStore store = new InMemoryNonceStore(100, now::get);
        assertThat(store.claim("k1", "n-1", TTL)).isTrue();
        assertThat(store.claim("k1", "n-1", TTL)).isFalse();
        assertThat(store.claim("k2", "n-1", TTL)).as("another key's nonce").isTrue();
        now.addAndGet(TTL.toNanos() + 1);
        assertThat(store.claim("k1", "n-1", TTL)).isTrue();
        assertThat(store.size()).as("expired entries purged").isEqualTo(1);
    }

    @Test
    void aFullStoreRefusesInsteadOfForgettingALiveNonce() {
        InMemoryNonceStore store = new InMemoryNonceStore(2, now::get);
        store.claim("k", "a", TTL);
        store.claim("k", "b", TTL);
        assertThatThrownBy(() -> store.claim("k", "c", TTL)).isInstanceOf(NonceStoreFullException.class);
        assertThat(store.claim("k", "a", TTL)).isFalse();
        now.addAndGet(TTL.toNanos() + 1);
        assertThat(store.claim("k", "c", TTL)).isTrue();
    }

    @Test
    void concurrentClaimsOfOneNonceSucceedExactlyOnce() throws Exception {
        InMemoryNonceStore store = new InMemoryNonceStore();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        for (int round = 0; round < 50; round++) {
            String nonce = "nonce-" + round;
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                claims.add(() -> store.claim("k", nonce, TTL));
            }
            int successes = 0;
            for (Future<Boolean> result : threads.invokeAll(claims)) {
                successes += result.get() ? 1 : 0;
            }
            assertThat(successes).isEqualTo(1);
        }
        threads.shutdown();
    }
}
