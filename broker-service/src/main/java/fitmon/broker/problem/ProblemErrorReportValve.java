package fitmon.broker.problem;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests Tomcat refuses before any application code runs (an encoded '/' or NUL in the path,
 * bytes that are not UTF-8) answer as problem+json with a code, like every other error of the
 * replica; the writing is {@link fitmon.http.edge.ProblemErrorReportValve}'s, the document the
 * replica's.
 */
public class ProblemErrorReportValve extends fitmon.http.edge.ProblemErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected byte[] problem(int status) {
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        String detail = status == HttpStatus.BAD_REQUEST.value()
                ? "the request line or path is malformed (encoded '/' or NUL, or bytes that are not UTF-8)"
                : ReplicaProblems.genericDetail(code);
        HttpStatus resolved = HttpStatus.resolve(status);
        ObjectNode json = JSON.createObjectNode();
        json.put("title", resolved == null ? "Error" : resolved.getReasonPhrase());
        json.put("status", status);
        json.put("detail", detail);
        json.put(ReplicaProblems.CODE, ReplicaProblems.codeFor(code));
        return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
    }
}
