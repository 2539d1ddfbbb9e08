package fitmon.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the registry under test, presenting the service token like the gateway does. */
final class RegistryHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final String serviceToken;

    RegistryHttp(String baseUrl, String serviceToken) {
        this.baseUrl = baseUrl;
        this.serviceToken = serviceToken;
    }

    /** A call as the gateway makes it: service token, principal header when not null, JSON body when not null. */
    HttpResponse<String> call(String method, String path, String principal, String body) {
        return raw(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                body == null ? Map.of() : Map.of("Content-Type", "application/json"), principal, serviceToken);
    }

    HttpResponse<String> raw(String method, String path, byte[] body, Map<String, String> headers, String principal,
                             String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("X-Fitmon-Service-Token", token);
        }
        if (principal != null) {
            request.header("X-Fitmon-Principal", principal);
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String principal) {
        return call("GET", path, principal, null);
    }

    HttpResponse<String> post(String path, String principal, String body) {
        return call("POST", path, principal, body);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
