package fitmon.console.proxy;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Forwards every {@code /api/**} request to the gateway unchanged: method, path and query as sent,
 * body, and the headers the gateway reads (the request signature among them). The answer comes
 * back with its status, body and the headers a browser acts on.
 */
@RestController
public class GatewayProxyController {

    /** The request headers the gateway's API uses; cookies and the like stay here. */
    static final List<String> FORWARDED_REQUEST_HEADERS = List.of("X-Api-Key", "X-Timestamp", "X-Nonce",
            "X-Signature", "Content-Type", "Accept");
    static final List<String> RETURNED_RESPONSE_HEADERS = List.of("Content-Type", "Retry-After", "Location");

    private final GatewayClient gateway;

    public GatewayProxyController(GatewayClient gateway) {
        this.gateway = gateway;
    }

    @RequestMapping("/api/**")
    public ResponseEntity<byte[]> forward(HttpServletRequest request) throws IOException {
        // the raw URI, not a decoded or normalised one: the signature covers these exact characters
        String pathAndQuery = request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : FORWARDED_REQUEST_HEADERS) {
            String value = request.getHeader(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        byte[] body = request.getInputStream().readAllBytes();
        GatewayClient.Answer answer = gateway.send(request.getMethod(), pathAndQuery, headers, body);
        HttpHeaders returned = new HttpHeaders();
        for (String name : RETURNED_RESPONSE_HEADERS) {
            answer.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().ifPresent(e -> returned.put(name, e.getValue()));
        }
        return ResponseEntity.status(answer.status()).headers(returned).body(answer.body());
    }

    @ExceptionHandler(GatewayUnavailableException.class)
    public ResponseEntity<ProblemDetail> unavailable(GatewayUnavailableException e, HttpServletRequest request) {
        HttpStatus status = e.timeout() ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(e.timeout() ? "Gateway timeout" : "Gateway unreachable");
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", e.timeout() ? "GATEWAY_TIMEOUT" : "GATEWAY_UNREACHABLE");
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
