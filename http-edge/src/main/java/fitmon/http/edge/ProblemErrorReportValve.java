package fitmon.http.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Requests Tomcat refuses before any application code runs (an encoded '/' or NUL in the path,
 * bytes that are not UTF-8) would get Tomcat's HTML error page; this valve answers them as
 * {@code application/problem+json} instead. A service subclasses it with the document it answers
 * ({@link #problem}) and installs the subclass with {@link #install}; Tomcat creates it by its
 * class name, so the subclass needs a public constructor without arguments.
 */
public abstract class ProblemErrorReportValve extends ErrorReportValve {

    /** Puts {@code valve} in place of Tomcat's HTML error report on the host of {@code context}. */
    public static void install(Context context, Class<? extends ProblemErrorReportValve> valve) {
        if (context.getParent() instanceof StandardHost host) {
            host.setErrorReportValveClass(valve.getName());
        }
    }

    /** The problem+json document, as UTF-8 bytes, for a refusal Tomcat made with {@code status} (≥ 400). */
    protected abstract byte[] problem(int status);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
            return;
        }
        try {
            byte[] body = problem(status);
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
