package fitmon.http.edge;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The body limit every service puts first in front of its application. A declared Content-Length
 * above the request's limit is refused before a byte is read; any other body (chunked included) is
 * counted as it is read ({@link LimitedBodyRequest}) and refused at the first byte past the limit.
 * Either way the refusal is sent at once with {@code Connection: close}: the rest of the body is
 * not wanted, so the connection is closed rather than drained.
 *
 * <p>A service says only what is its own: {@link #limitFor} (which paths get which limit) and
 * {@link #writeRefusal} (its 413 {@code BODY_TOO_LARGE} problem+json document). It registers its
 * subclass first in the chain ({@code @Order(Ordered.HIGHEST_PRECEDENCE)}).
 */
public abstract class BodyLimitFilter extends OncePerRequestFilter {

    /** The body limit of this request, in bytes. */
    protected abstract long limitFor(HttpServletRequest request);

    /**
     * Writes the 413 answer (status, content type, body) for a body larger than {@code limit};
     * the {@code Connection: close} header is set before and the buffer flushed after.
     */
    protected abstract void writeRefusal(HttpServletRequest request, HttpServletResponse response, long limit)
            throws IOException;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limitFor(request);
        if (request.getContentLengthLong() > limit) {
            refuse(request, response, limit);
            return;
        }
        LimitedBodyRequest limited = new LimitedBodyRequest(request, limit);
        try {
            chain.doFilter(limited, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!limited.exceeded()) {
                throw e;
            }
        }
        if (limited.exceeded() && !response.isCommitted()) {
            response.reset();
            refuse(request, response, limit);
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, long limit) throws IOException {
        // the rest of the body is not wanted: close the connection instead of reading it to its end
        response.setHeader("Connection", "close");
        writeRefusal(request, response, limit);
        response.flushBuffer();
    }
}
