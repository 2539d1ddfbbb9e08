package fitmon.gateway.admission;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;

/**
 * Per-principal token buckets ({@code fitmon.gateway.admission.permits-per-second}, {@code burst}).
 * Authentication asks here as soon as the signature names the principal, before the request's
 * nonce is recorded: a request over the rate costs no nonce-store entry.
 */
public final class PrincipalRateLimit {

    private final TokenBucketLimiter limiter;

    public PrincipalRateLimit(TokenBucketLimiter limiter) {
        this.limiter = limiter;
    }

    /** @throws ApiProblem 429 {@code RATE_LIMITED} with Retry-After when the principal is over its rate */
    public void admit(String principal) {
        long waitNanos = limiter.tryAcquire(principal);
        if (waitNanos > 0) {
            long seconds = retryAfterSeconds(waitNanos);
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                    "principal '" + principal + "' exceeded its request rate; retry after " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
    }

    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
    }
}
