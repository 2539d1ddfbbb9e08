package fitmon.broker.problem;

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
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the replica's HTTP API leaves as problem+json with a stable {@code code}. Our own
 * refusals keep their detail; the framework's (unknown path, wrong method, a parameter that is not
 * a number) get a fixed detail, and an unexpected exception gets a generic 500 and goes to the log,
 * so no exception text, class or framework internal reaches the caller.
 */
@RestControllerAdvice
class ReplicaProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaProblemAdvice.class);

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> parameterType(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return respond(HttpStatus.BAD_REQUEST, "INVALID_PARAMETER", "Invalid parameter",
                "parameter '" + e.getName() + "' must be " + expected(e.getRequiredType()), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        LOG.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal Server Error",
                ReplicaProblems.genericDetail(HttpStatus.INTERNAL_SERVER_ERROR), request);
    }

    private static String expected(Class<?> type) {
        if (type == long.class || type == int.class || type == Long.class || type == Integer.class) {
            return "an integer in range";
        }
        return "a valid value";
    }

    private static ResponseEntity<ProblemDetail> respond(HttpStatus status, String code, String title, String detail,
                                                         HttpServletRequest request) {
        ProblemDetail body = ReplicaProblems.body(status, code, title, detail);
        body.setInstance(java.net.URI.create(request.getRequestURI()));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** Spring's own refusals and our {@code ErrorResponseException}s all pass here. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail detail
                && (detail.getProperties() == null || !detail.getProperties().containsKey(ReplicaProblems.CODE))) {
            LOG.debug("refused {}: {}", request.getDescription(false), ex.toString());
            detail.setDetail(ReplicaProblems.genericDetail(statusCode));
            detail.setProperty(ReplicaProblems.CODE, ReplicaProblems.codeFor(statusCode));
        }
        return response;
    }
}
