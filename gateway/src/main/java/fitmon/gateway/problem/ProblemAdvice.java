package fitmon.gateway.problem;

import fitmon.gateway.limits.BodyLimitFilter;
import fitmon.http.edge.BodyTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error leaves the gateway as problem+json with a stable {@code code}: our own refusals, and
 * Spring's (unreadable body, wrong method, unknown path...) with a code derived from the status.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ApiProblem.class)
    public ResponseEntity<byte[]> apiProblem(ApiProblem problem, HttpServletRequest request) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(problem.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        problem.headers().forEach(builder::header);
        return builder.body(ProblemWriter.body(problem, request.getRequestURI()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<byte[]> badArgument(IllegalArgumentException e, HttpServletRequest request) {
        return apiProblem(new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", e.getMessage()), request);
    }

    /** Headers the firewall checks lazily (when a handler first reads them) refused: the caller's fault. */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    public ResponseEntity<byte[]> rejected(Exception e, HttpServletRequest request) {
        return apiProblem(new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
                "the request was refused: a header holds characters the gateway does not accept"), request);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) {
        log.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return apiProblem(new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                "the gateway failed unexpectedly; the request may not have been applied"), request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail detail) {
            detail.setProperty("code", codeFor(statusCode));
        }
        return response;
    }

    @ExceptionHandler(BodyTooLargeException.class)
    public ResponseEntity<byte[]> bodyTooLarge(BodyTooLargeException e, HttpServletRequest request) {
        return apiProblem(BodyLimitFilter.tooLarge(e.limit()), request);
    }

    static String codeFor(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == HttpStatus.BAD_REQUEST) {
            return "INVALID_REQUEST";
        }
        return known == null ? "HTTP_" + status.value() : known.name();
    }
}
