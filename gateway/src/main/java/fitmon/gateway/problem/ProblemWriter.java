package fitmon.gateway.problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Renders an {@link ApiProblem} as RFC 9457 JSON, also where no controller runs (servlet filters). */
public final class ProblemWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemWriter() {
    }

    public static byte[] body(ApiProblem problem, String instance) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "https://fitmon.dev/problems/" + problem.code().toLowerCase().replace('_', '-'));
        node.put("title", problem.status().getReasonPhrase());
        node.put("status", problem.status().value());
        node.put("detail", problem.detail());
        node.put("code", problem.code());
        if (instance != null) {
            node.put("instance", instance);
        }
        return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    }

    public static void write(HttpServletResponse response, ApiProblem problem, String instance) throws IOException {
        response.setStatus(problem.status().value());
        problem.headers().forEach(response::setHeader);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = body(problem, instance);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
