package fitmon.client.http;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to send a call again and how long to wait first. A call is retried on no answer at all,
 * 429 and 5xx, at most {@code maxAttempts} times in all; the wait is the server's
 * {@code Retry-After} when it gave one (capped at {@code maxWait}), else exponential backoff from
 * {@code initialBackoff} with jitter, also capped at {@code maxWait}.
 *
 * <p>Only calls that may safely run twice are retried: reads, registrations, and publishes, whose
 * events keep their SEQ so that the broker refuses a second copy instead of logging it.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxWait) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxWait.isNegative()) {
            throw new IllegalArgumentException("waits cannot be negative");
        }
    }

    /** One attempt, never retried. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** Whether an answer with this HTTP status is worth sending again. */
    public static boolean retryableStatus(int status) {
        return status == 429 || status >= 500;
    }

    /** Whether another attempt may follow attempt number {@code attempt} (1-based). */
    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The wait before the attempt after failed attempt number {@code attempt} (1-based).
     *
     * @param retryAfter the server's Retry-After, or null
     * @param random     uniform in [0, 1), for jitter
     */
    public Duration waitAfter(int attempt, Duration retryAfter, DoubleSupplier random) {
        if (retryAfter != null) {
            return min(retryAfter, maxWait);
        }
        long initial = initialBackoff.toMillis();
        long ceiling = maxWait.toMillis();
        long exponential = initial << Math.min(attempt - 1, 20);
        long capped = Math.min(exponential, ceiling);
        // "equal jitter": at least half the backoff, so waits still grow, spread over the other half
        long half = capped / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (capped - half)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
