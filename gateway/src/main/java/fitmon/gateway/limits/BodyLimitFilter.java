package fitmon.gateway.limits;

import java.io.IOException;

import fitmon.gateway.auth.AuthProperties;
import fitmon.gateway.auth.PublicEndpoints;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UrlPathHelper;

/**
 * The first thing every request meets: its body may be at most {@code fitmon.gateway.auth.max-body-size}
 * on signed paths and {@code max-public-body-size} on every path served without a signature
 * (enrollment, actuator, documentation). Counting, cutting and closing the connection are
 * {@link fitmon.http.edge.BodyLimitFilter}'s; the gateway gives the limit of a path and its
 * 413 {@code BODY_TOO_LARGE} document.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter extends fitmon.http.edge.BodyLimitFilter {

    private final long signedLimit;
    private final long publicLimit;

    public BodyLimitFilter(AuthProperties properties) {
        this.signedLimit = properties.maxBodySize().toBytes();
        this.publicLimit = properties.maxPublicBodySize().toBytes();
    }

    /** The body limit of a request, by whether its path needs a signature. */
    @Override
    protected long limitFor(HttpServletRequest request) {
        String path = UrlPathHelper.defaultInstance.getLookupPathForRequest(request);
        return PublicEndpoints.isPublic(request.getMethod(), path) ? publicLimit : signedLimit;
    }

    @Override
    protected void writeRefusal(HttpServletRequest request, HttpServletResponse response, long limit)
            throws IOException {
        ProblemWriter.write(response, tooLarge(limit), request.getRequestURI());
    }

    public static ApiProblem tooLarge(long limit) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "BODY_TOO_LARGE",
                "request bodies on this path are limited to " + limit + " bytes");
    }
}
