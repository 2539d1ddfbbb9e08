package fitmon.gateway.problem;

import org.springframework.http.HttpStatus;

/**
 * Requests Tomcat refuses before any application code runs (an encoded '/' or NUL in the path,
 * bytes that are not UTF-8) answer as problem+json like every other error of the gateway; the
 * writing is {@link fitmon.http.edge.ProblemErrorReportValve}'s, the document the gateway's.
 */
public class ProblemErrorReportValve extends fitmon.http.edge.ProblemErrorReportValve {

    @Override
    protected byte[] problem(int status) {
        HttpStatus resolved = HttpStatus.resolve(status);
        ApiProblem problem = new ApiProblem(resolved == null ? HttpStatus.BAD_REQUEST : resolved,
                status == 400 ? "INVALID_REQUEST" : (resolved == null ? "HTTP_" + status : resolved.name()),
                status == 400 ? "the request line or path is malformed (encoded '/' or NUL, or bytes that are not UTF-8)"
                        : "the request could not be served");
        return ProblemWriter.body(problem, null);
    }
}
