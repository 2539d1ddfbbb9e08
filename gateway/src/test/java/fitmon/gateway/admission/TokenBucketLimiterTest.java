package fitmon.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TokenBucketLimiterTest {

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);

    @Test
    void burstIsAvailableAtOnceThenRefused() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(2, 5, clock::get);

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("alice")).as("request %d", i).isZero();
        }
        assertThat(limiter.tryAcquire("alice")).isPositive();
    }

    @Test
    void retryAfterIsTheTimeUntilTheNextPermit() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(2, 1, clock::get);
        assertThat(limiter.tryAcquire("alice")).isZero();

        assertThat(limiter.tryAcquire("alice")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(limiter.tryAcquire("alice")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(limiter.tryAcquire("alice")).isZero();
    }

    @Test
    void permitsRefillAtTheConfiguredRate() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(10, 3, clock::get);
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("alice");
        }

        int granted = 0;
        for (int tick = 0; tick < 50; tick++) { // 5 s in steps of 100 ms, two attempts each
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            granted += limiter.tryAcquire("alice") == 0 ? 1 : 0;
            granted += limiter.tryAcquire("alice") == 0 ? 1 : 0;
        }

        assertThat(granted).isEqualTo(50);
    }

    @Test
    void idleTimeRefillsNoMoreThanTheBurst() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(10, 3, clock::get);
        limiter.tryAcquire("alice");

        clock.addAndGet(TimeUnit.HOURS.toNanos(1));

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("alice")).isZero();
        }
        assertThat(limiter.tryAcquire("alice")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void principalsHaveIndependentBuckets() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(1, 1, clock::get);

        assertThat(limiter.tryAcquire("alice")).isZero();
        assertThat(limiter.tryAcquire("alice")).isPositive();
        assertThat(limiter.tryAcquire("bob")).isZero();
        assertThat(limiter.tryAcquire("bob")).isPositive();
    }

    @Test
    void fullIdleBucketsAreDroppedBeyondTheLimit() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(1, 2, clock::get, 10);
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("p-" + i);
        }
        assertThat(limiter.trackedPrincipals()).isEqualTo(10);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(5)); // every bucket is full again
        limiter.tryAcquire("newcomer");

        assertThat(limiter.trackedPrincipals()).isLessThanOrEqualTo(1);
        // a dropped principal starts again with a full bucket, exactly as if it had been kept
        assertThat(limiter.tryAcquire("p-0")).isZero();
        assertThat(limiter.tryAcquire("p-0")).isZero();
        assertThat(limiter.tryAcquire("p-0")).isPositive();
    }

    @Test
    void busyBucketsAreKeptBeyondTheLimit() {
        TokenBucketLimiter limiter = new TokenBucketLimiter(1, 1, clock::get, 10);
        for (int i = 0; i < 11; i++) {
            assertThat(limiter.tryAcquire("p-" + i)).isZero();
        }

        assertThat(limiter.trackedPrincipals()).isEqualTo(11);
        for (int i = 0; i < 11; i++) {
            assertThat(limiter.tryAcquire("p-" + i)).as("p-%d", i).isPositive();
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> new TokenBucketLimiter(0, 1, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucketLimiter(1, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucketLimiter(Double.NaN, 1, clock::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
