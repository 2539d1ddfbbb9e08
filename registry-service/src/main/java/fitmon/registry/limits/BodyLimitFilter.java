package fitmon.registry.limits;

import java.io.IOException;

import fitmon.registry.config.RegistryProperties;
import fitmon.registry.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The first thing every request meets: its body may be at most {@code fitmon.registry.max-body-size},
 * on every path. Counting, cutting and closing the connection are
 * {@link fitmon.http.edge.BodyLimitFilter}'s; the registry gives its limit and its 413
 * {@code BODY_TOO_LARGE} document.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyLimitFilter extends fitmon.http.edge.BodyLimitFilter {

    private final long limit;

    public BodyLimitFilter(RegistryProperties properties) {
        this.limit = properties.maxBodySize().toBytes();
    }

    @Override
    protected long limitFor(HttpServletRequest request) {
        return limit;
    }

    @Override
    protected void writeRefusal(HttpServletRequest request, HttpServletResponse response, long limit)
            throws IOException {
        response.setStatus(413);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Problems.json(413, "Content Too Large", "BODY_TOO_LARGE", detail(limit)));
    }

    public static String detail(long limit) {
        return "request bodies are limited to " + limit + " bytes";
    }
}
