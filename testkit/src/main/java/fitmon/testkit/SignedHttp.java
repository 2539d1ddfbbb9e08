package fitmon.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import fitmon.core.auth.RequestSigning;

/** HTTP calls to the gateway signed with an API key exactly as the documented scheme says. */
public final class SignedHttp {

    /** An API key as the registry hands it out once. */
    public record ApiKey(String keyId, String secret) {
    }

    private final String baseUrl;
    private final HttpClient http;

    public SignedHttp(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** To an HTTPS gateway, trusting the TLS context's roots (for instance the fitmon CA alone). */
    public SignedHttp(String baseUrl, javax.net.ssl.SSLContext tls) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
    }

    /** The four authentication headers for one request, signed now with a fresh nonce. */
    public static Map<String, String> headers(ApiKey key, String method, String pathAndQuery, byte[] body) {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = UUID.randomUUID().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RequestSigning.HEADER_API_KEY, key.keyId());
        headers.put(RequestSigning.HEADER_TIMESTAMP, timestamp);
        headers.put(RequestSigning.HEADER_NONCE, nonce);
        headers.put(RequestSigning.HEADER_SIGNATURE, RequestSigning.sign(RequestSigning.signingKey(key.secret()),
                method, pathAndQuery, timestamp, nonce, body));
        return headers;
    }

    public HttpResponse<String> send(ApiKey key, String method, String pathAndQuery, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return raw(method, pathAndQuery, bytes, key == null ? Map.of() : headers(key, method, pathAndQuery, bytes));
    }

    public HttpResponse<String> get(ApiKey key, String pathAndQuery) {
        return send(key, "GET", pathAndQuery, null);
    }

    public HttpResponse<String> post(ApiKey key, String pathAndQuery, String json) {
        return send(key, "POST", pathAndQuery, json);
    }

    /** A request with exactly the given headers (for refused-request tests). */
    public HttpResponse<String> raw(String method, String pathAndQuery, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            builder.header("Content-Type", "application/json");
        }
        headers.forEach(builder::setHeader); // a given Content-Type replaces the default
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
