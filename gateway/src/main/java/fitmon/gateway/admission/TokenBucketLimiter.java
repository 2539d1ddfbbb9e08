package fitmon.gateway.admission;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per principal: {@code burst} requests at once, refilled at
 * {@code permitsPerSecond}.
 *
 * <p>Memory stays bounded: when more than {@code maxPrincipals} buckets exist, the full ones are
 * dropped. That loses nothing, since a principal without a bucket gets a new full one. The sweep
 * threshold then doubles with the number of busy buckets left, so sweeps stay amortised O(1).
 */
public final class TokenBucketLimiter {

    static final int DEFAULT_MAX_PRINCIPALS = 100_000;

    private final double permitsPerSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final int maxPrincipals;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Object sweepLock = new Object();
    private volatile int sweepAbove;

    public TokenBucketLimiter(double permitsPerSecond, int burst, LongSupplier nanoClock) {
        this(permitsPerSecond, burst, nanoClock, DEFAULT_MAX_PRINCIPALS);
    }

    public TokenBucketLimiter(double permitsPerSecond, int burst, LongSupplier nanoClock, int maxPrincipals) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permitsPerSecond must be positive and finite, got " + permitsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
        if (maxPrincipals < 1) {
            throw new IllegalArgumentException("maxPrincipals must be at least 1, got " + maxPrincipals);
        }
        this.permitsPerSecond = permitsPerSecond;
        this.burst = burst;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.maxPrincipals = maxPrincipals;
        this.sweepAbove = maxPrincipals;
    }

    /**
     * Takes one permit for the principal.
     *
     * @return 0 when a permit was taken, else the nanoseconds until one will be available
     *         (nothing is taken then)
     */
    public long tryAcquire(String principal) {
        Objects.requireNonNull(principal, "principal");
        while (true) {
            long now = nanoClock.getAsLong();
            Bucket bucket = buckets.get(principal);
            if (bucket == null) {
                Bucket created = new Bucket(burst, now);
                bucket = buckets.putIfAbsent(principal, created);
                if (bucket == null) {
                    bucket = created;
                    if (buckets.size() > sweepAbove) {
                        sweep(now);
                    }
                }
            }
            synchronized (bucket) {
                if (bucket.dropped) {
                    continue; // a sweep removed it meanwhile; use the principal's new bucket
                }
                bucket.refill(now, permitsPerSecond, burst);
                if (bucket.tokens >= 1) {
                    bucket.tokens -= 1;
                    return 0;
                }
                return Math.max(1, (long) Math.ceil((1 - bucket.tokens) * 1e9 / permitsPerSecond));
            }
        }
    }

    /**
     * Gives back one permit taken by {@link #tryAcquire} (never above {@code burst}), for a request
     * that turned out not to count against this key.
     */
    public void refund(String key) {
        Bucket bucket = buckets.get(Objects.requireNonNull(key, "key"));
        if (bucket != null) {
            synchronized (bucket) {
                bucket.tokens = Math.min(burst, bucket.tokens + 1);
            }
        }
    }

    /** Buckets currently kept. */
    public int trackedPrincipals() {
        return buckets.size();
    }

    private void sweep(long now) {
        synchronized (sweepLock) {
            if (buckets.size() <= sweepAbove) {
                return; // another thread just swept
            }
            buckets.forEach((principal, bucket) -> {
                synchronized (bucket) {
                    bucket.refill(now, permitsPerSecond, burst);
                    if (bucket.tokens >= burst && buckets.remove(principal, bucket)) {
                        bucket.dropped = true;
                    }
                }
            });
            sweepAbove = (int) Math.min(Integer.MAX_VALUE, Math.max((long) maxPrincipals, 2L * buckets.size()));
        }
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;
        boolean dropped;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        void refill(long now, double permitsPerSecond, int burst) {
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * permitsPerSecond / 1e9);
                refilledAt = now;
            }
        }
    }
}
