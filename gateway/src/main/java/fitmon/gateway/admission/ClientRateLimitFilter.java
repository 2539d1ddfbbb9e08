package fitmon.gateway.admission;

import java.io.IOException;
import java.util.Map;

import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per client address ({@link ClientAddress}) for what no principal answers for:
 * requests to the public {@code /api/} endpoints and requests that fail authentication. Each
 * {@code /api/} request takes a permit before authentication reads its body or asks the registry
 * about its key; the permit is given back as soon as the request's signature is verified
 * ({@link ClientPermit}), so
 * authenticated traffic is limited per principal only ({@link PrincipalRateLimit}). An address
 * with no permit left gets 429 {@code CLIENT_RATE_LIMITED} with Retry-After at once.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ClientRateLimitFilter extends OncePerRequestFilter {

    private final TokenBucketLimiter limiter;

    public ClientRateLimitFilter(TokenBucketLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // health, metrics and documentation are cheap reads; their bodies are capped by the body limit
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = ClientAddress.of(request.getRemoteAddr());
        long waitNanos = limiter.tryAcquire(client);
        if (waitNanos > 0) {
            long seconds = PrincipalRateLimit.retryAfterSeconds(waitNanos);
            ProblemWriter.write(response, new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "CLIENT_RATE_LIMITED",
                    "too many unauthenticated or failed requests from this address; retry after " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds))), request.getRequestURI());
            return;
        }
        ClientPermit.attach(request, limiter, client);
        chain.doFilter(request, response);
    }
}
