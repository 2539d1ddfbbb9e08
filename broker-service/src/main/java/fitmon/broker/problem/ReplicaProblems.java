package fitmon.broker.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Problem details of the replica's HTTP API: RFC 9457 with a stable {@code code}. */
public final class ReplicaProblems {

    /** The extension member that carries the stable code. */
    public static final String CODE = "code";

    private ReplicaProblems() {
    }

    /** A refusal with our own title, code and detail; the detail is shown as is. */
    public static ErrorResponseException problem(HttpStatus status, String code, String title, String detail) {
        return new ErrorResponseException(status, body(status, code, title, detail), null);
    }

    static ProblemDetail body(HttpStatusCode status, String code, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        body.setProperty(CODE, code);
        return body;
    }

    /** The stable code of a refusal the framework made (no handler, wrong method...), from its status. */
    static String codeFor(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == HttpStatus.BAD_REQUEST) {
            return "INVALID_REQUEST";
        }
        return known == null ? "HTTP_" + status.value() : known.name();
    }

    /** A fixed detail for a status: nothing of the exception or framework behind it. */
    static String genericDetail(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "the request is malformed";
            case 404 -> "no such resource on this replica";
            case 405 -> "this method is not allowed here; the replica's API is read-only";
            case 406 -> "the replica answers application/json only";
            case 415 -> "unsupported content type";
            case 500 -> "the replica failed unexpectedly";
            case 503 -> "the replica cannot serve this now; try again";
            default -> "the request could not be served";
        };
    }
}
