package fitmon.console.limits;

import java.io.IOException;

import fitmon.console.config.ConsoleProperties;
import fitmon.console.problem.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The first thing every request meets: a signed {@code /api/**} request (one with
 * {@code X-Signature}, forwarded to the gateway) may carry up to {@code fitmon.console.max-body-size};
 * every other request up to {@code max-public-body-size}. Counting, cutting (before the proxy holds
 * the body) and closing the connection are {@link fitmon.http.edge.BodyLimitFilter}'s; the console
 * gives the limit of a request and its 413 {@code BODY_TOO_LARGE} document.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter extends fitmon.http.edge.BodyLimitFilter {

    private final long signedLimit;
    private final long publicLimit;

    public BodyLimitFilter(ConsoleProperties properties) {
        this.signedLimit = properties.maxBodySize().toBytes();
        this.publicLimit = properties.maxPublicBodySize().toBytes();
    }

    @Override
    protected long limitFor(HttpServletRequest request) {
        boolean signedApi = request.getRequestURI().startsWith("/api/") && request.getHeader("X-Signature") != null;
        return signedApi ? signedLimit : publicLimit;
    }

    @Override
    protected void writeRefusal(HttpServletRequest request, HttpServletResponse response, long limit)
            throws IOException {
        ProblemResponses.write(response, HttpStatus.CONTENT_TOO_LARGE, "BODY_TOO_LARGE", detail(limit),
                request.getRequestURI());
    }

    public static String detail(long limit) {
        return "request bodies on this path are limited to " + limit + " bytes";
    }
}
