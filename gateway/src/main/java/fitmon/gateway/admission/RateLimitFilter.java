package fitmon.gateway.admission;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Per-principal token buckets, applied right after authentication: over the rate → 429 with Retry-After. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class RateLimitFilter extends OncePerRequestFilter {

    private final TokenBucketLimiter limiter;

    public RateLimitFilter(TokenBucketLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(AuthenticatedPrincipal.ATTRIBUTE) instanceof AuthenticatedPrincipal principal) {
            long waitNanos = limiter.tryAcquire(principal.name());
            if (waitNanos > 0) {
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
                ProblemWriter.write(response, new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                        "principal '" + principal.name() + "' exceeded its request rate; retry after " + seconds + " s",
                        Map.of("Retry-After", Long.toString(seconds))), request.getRequestURI());
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
