package fitmon.http.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BodyLimitFilterTest {

    /** 5 bytes on /small, 100 elsewhere; refuses with a plain-text body naming the limit. */
    private static final class Limits extends BodyLimitFilter {
        @Override
        protected long limitFor(HttpServletRequest request) {
            return request.getRequestURI().equals("/small") ? 5 : 100;
        }

        @Override
        protected void writeRefusal(HttpServletRequest request, HttpServletResponse response, long limit)
                throws IOException {
            response.setStatus(413);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"limit\":" + limit + "}");
        }
    }

    private static MockHttpServletRequest post(String path, String body, boolean declareLength) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path) {
            @Override
            public long getContentLengthLong() {
                return declareLength ? super.getContentLengthLong() : -1;
            }
        };
        request.setContent(body.getBytes(StandardCharsets.US_ASCII));
        return request;
    }

    private static final FilterChain READS_BODY = (request, response) -> {
        byte[] body = request.getInputStream().readAllBytes();
        response.getWriter().write("read " + body.length);
    };

    @Test
    void aDeclaredLengthAboveTheLimitIsRefusedUnread() throws Exception {
        AtomicBoolean called = new AtomicBoolean();
        MockHttpServletResponse response = new MockHttpServletResponse();
        new Limits().doFilter(post("/small", "123456", true), response, (req, res) -> called.set(true));
        assertThat(called).isFalse();
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getContentAsString()).isEqualTo("{\"limit\":5}");
        assertThat(response.isCommitted()).isTrue();
    }

    @Test
    void anUndeclaredBodyIsRefusedAtTheFirstBytePastItsLimit() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.getWriter().write("partial answer that is discarded");
        new Limits().doFilter(post("/small", "123456", false), response, READS_BODY);
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getContentAsString()).isEqualTo("{\"limit\":5}");
    }

    @Test
    void aBodyWithinItsPathsLimitPasses() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new Limits().doFilter(post("/large", "123456", false), response, READS_BODY);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeader("Connection")).isNull();
        assertThat(response.getContentAsString()).isEqualTo("read 6");
    }

    @Test
    void theApplicationsFailureOnAnOversizedBodyBecomesTheRefusal() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new Limits().doFilter(post("/small", "123456", false), response, (request, res) -> {
            try {
                request.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("the parser gave up", e);
            }
        });
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentAsString()).isEqualTo("{\"limit\":5}");
    }

    @Test
    void otherFailuresPassThrough() {
        FilterChain failing = (request, response) -> {
            throw new ServletException("not about the body");
        };
        assertThatThrownBy(() -> new Limits().doFilter(post("/small", "123", false),
                new MockHttpServletResponse(), failing)).hasMessage("not about the body");
    }

    @Test
    void aCommittedAnswerIsLeftAsItIs() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new Limits().doFilter(post("/small", "123456", false), response, (request, res) -> {
            res.getWriter().write("already sent");
            res.flushBuffer();
            request.getInputStream().readAllBytes();
        });
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("already sent");
    }
}
