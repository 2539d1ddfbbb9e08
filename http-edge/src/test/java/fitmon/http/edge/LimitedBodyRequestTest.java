package fitmon.http.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class LimitedBodyRequestTest {

    private static MockHttpServletRequest request(int bytes) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/");
        request.setContent("x".repeat(bytes).getBytes(StandardCharsets.US_ASCII));
        return request;
    }

    @Test
    void aBodyAtItsLimitIsReadWhole() throws IOException {
        LimitedBodyRequest limited = new LimitedBodyRequest(request(10), 10);
        assertThat(limited.getInputStream().readAllBytes()).hasSize(10);
        assertThat(limited.exceeded()).isFalse();
        assertThat(limited.limit()).isEqualTo(10);
    }

    @Test
    void theFirstBytePastTheLimitFailsTheRead() throws IOException {
        LimitedBodyRequest limited = new LimitedBodyRequest(request(11), 10);
        InputStream in = limited.getInputStream();
        assertThatThrownBy(in::readAllBytes).isInstanceOf(BodyTooLargeException.class)
                .hasMessage("request body is larger than its limit of 10 bytes")
                .extracting(e -> ((BodyTooLargeException) e).limit()).isEqualTo(10L);
        assertThat(limited.exceeded()).isTrue();
        assertThat(limited.getInputStream().isFinished()).isTrue();
        // every later read fails too
        assertThatThrownBy(in::read).isInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void singleByteReadsAreCountedAlike() throws IOException {
        LimitedBodyRequest limited = new LimitedBodyRequest(request(4), 3);
        InputStream in = limited.getInputStream();
        assertThat(in.read()).isEqualTo('x');
        assertThat(in.read()).isEqualTo('x');
        assertThat(in.read()).isEqualTo('x');
        assertThatThrownBy(in::read).isInstanceOf(BodyTooLargeException.class);
        assertThat(limited.exceeded()).isTrue();
    }

    @Test
    void noMoreThanOneBytePastTheLimitIsAskedFor() throws IOException {
        MockHttpServletRequest request = request(100);
        LimitedBodyRequest limited = new LimitedBodyRequest(request, 10);
        assertThatThrownBy(() -> limited.getInputStream().read(new byte[100], 0, 100))
                .isInstanceOf(BodyTooLargeException.class);
        // 11 bytes were taken from the underlying stream, the rest is still unread
        assertThat(request.getInputStream().readAllBytes()).hasSize(89);
    }

    @Test
    void theReaderCountsThroughTheSameStream() throws IOException {
        MockHttpServletRequest request = request(20);
        request.setCharacterEncoding("UTF-8");
        LimitedBodyRequest limited = new LimitedBodyRequest(request, 10);
        BufferedReader reader = limited.getReader();
        assertThatThrownBy(reader::readLine).isInstanceOf(BodyTooLargeException.class);
        assertThat(limited.exceeded()).isTrue();
    }

    @Test
    void aRequestWhoseBodyIsNeverReadHasNotExceeded() {
        assertThat(new LimitedBodyRequest(request(100), 10).exceeded()).isFalse();
    }
}
