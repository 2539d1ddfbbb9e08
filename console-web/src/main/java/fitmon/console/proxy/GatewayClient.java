package fitmon.console.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;

import fitmon.console.config.ConsoleProperties;
import org.springframework.stereotype.Component;

/** Sends one request to the gateway exactly as the browser made it, and returns the answer unread. */
@Component
public class GatewayClient {

    private final ConsoleProperties properties;
    private final HttpClient http;

    public GatewayClient(ConsoleProperties properties, org.springframework.boot.ssl.SslBundles bundles) {
        this.properties = properties;
        // HTTP/1.1: no h2c upgrade dance with the gateway's Tomcat; redirects are the browser's business
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER);
        if (!properties.gatewaySslBundle().isBlank()) {
            http.sslContext(bundles.getBundle(properties.gatewaySslBundle()).createSslContext());
        }
        this.http = http.build();
    }

    /** The gateway's answer to one forwarded request. */
    public record Answer(int status, Map<String, java.util.List<String>> headers, byte[] body) {
    }

    /**
     * @param pathAndQuery the path as the browser sent it (still percent-encoded), with its query;
     *                     the gateway checks the request signature over exactly these characters
     * @throws GatewayUnavailableException when the gateway cannot be reached or does not answer in time
     */
    public Answer send(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        URI target = URI.create(properties.gatewayBase() + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(properties.requestTimeout())
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (HttpTimeoutException e) {
            throw new GatewayUnavailableException(true, "the gateway at " + properties.gatewayBase()
                    + " did not answer " + method + " " + pathAndQuery + " within " + describe(e));
        } catch (IOException e) {
            throw new GatewayUnavailableException(false, "the gateway at " + properties.gatewayBase()
                    + " cannot be reached: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayUnavailableException(false, "interrupted while forwarding to the gateway");
        }
    }

    private String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return e instanceof java.net.http.HttpConnectTimeoutException
                    ? properties.connectTimeout().toMillis() + " ms (connect)"
                    : properties.requestTimeout().toSeconds() + " s";
        }
        // the JDK client wraps the telling exception, often without any message of its own
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return "connection refused (is the gateway running there?)";
            }
            if (cause instanceof java.nio.channels.UnresolvedAddressException
                    || cause instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
