package fitmon.gateway.problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Requests Tomcat refuses before any application code runs (an encoded '/' or NUL in the path,
 * bytes that are not UTF-8) would get Tomcat's HTML error page; this valve answers them as
 * problem+json like every other error of the gateway.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
            return;
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        ApiProblem problem = new ApiProblem(resolved == null ? HttpStatus.BAD_REQUEST : resolved,
                status == 400 ? "INVALID_REQUEST" : (resolved == null ? "HTTP_" + status : resolved.name()),
                status == 400 ? "the request line or path is malformed (encoded '/' or NUL, or bytes that are not UTF-8)"
                        : "the request could not be served");
        try {
            byte[] body = ProblemWriter.body(problem, null);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client went away; nothing more to tell it
        }
    }
}
