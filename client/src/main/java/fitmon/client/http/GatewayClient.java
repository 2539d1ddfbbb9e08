package fitmon.client.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP calls to the fitmon gateway, each signed with the API key (when there is one) and, when
 * asked, sent again on no answer, 429 and 5xx as the {@link RetryPolicy} says. Every attempt is
 * signed anew (fresh timestamp and nonce); the body stays byte for byte the same. Answers other than
 * 2xx become {@link GatewayProblemException}; no answer at all, {@link GatewayUnreachableException}.
 * Thread-safe.
 */
public final class GatewayClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DETAIL_CHARS = 300;

    /** Waits between attempts; replaced in tests. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final String gatewayUrl;
    private final HttpClient http;
    private final RequestSigner signer;
    private final RetryPolicy retryPolicy;
    private final Duration requestTimeout;
    private final Consumer<String> retryListener;
    private final Sleeper sleeper;

    private GatewayClient(String gatewayUrl, HttpClient http, RequestSigner signer, RetryPolicy retryPolicy,
                          Duration requestTimeout, Consumer<String> retryListener, Sleeper sleeper) {
        this.gatewayUrl = gatewayUrl;
        this.http = http;
        this.signer = signer;
        this.retryPolicy = retryPolicy;
        this.requestTimeout = requestTimeout;
        this.retryListener = retryListener;
        this.sleeper = sleeper;
    }

    public static Builder builder(String gatewayUrl) {
        return new Builder(gatewayUrl);
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    /** The API key calls are signed with, or null for unsigned calls only. */
    public ApiKey apiKey() {
        return signer == null ? null : signer.key();
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The same client (same connections, same retry policy) signing with another key. */
    public GatewayClient withApiKey(ApiKey key) {
        return new GatewayClient(gatewayUrl, http, key == null ? null : new RequestSigner(key), retryPolicy,
                requestTimeout, retryListener, sleeper);
    }

    public JsonNode get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, true).json();
    }

    /** POST with a JSON body (null: no body); {@code retry} only for calls that may safely run twice. */
    public JsonNode post(String pathAndQuery, JsonNode body, boolean retry) {
        byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
        return send("POST", pathAndQuery, bytes, retry).json();
    }

    public void delete(String pathAndQuery) {
        send("DELETE", pathAndQuery, null, false);
    }

    /**
     * One call, attempted as often as the retry policy allows when {@code retry} is set.
     *
     * @param pathAndQuery the path under the gateway URL, starting with '/', already percent-encoded
     * @param body         the exact bytes to send (JSON), or null for none
     */
    public GatewayResponse send(String method, String pathAndQuery, byte[] body, boolean retry) {
        return send(method, pathAndQuery, body, retry, null);
    }

    /**
     * As {@link #send(String, String, byte[], boolean)}, telling {@code attempts} about each attempt
     * that got no usable answer before the next one is sent (the caller may then treat the outcome of
     * the earlier attempt as unknown).
     */
    public GatewayResponse send(String method, String pathAndQuery, byte[] body, boolean retry,
                                Consumer<Integer> failedAttempts) {
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        byte[] bytes = body == null ? new byte[0] : body;
        URI uri = URI.create(gatewayUrl + pathAndQuery);
        String signedPath = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        int maxAttempts = retry ? retryPolicy.maxAttempts() : 1;
        for (int attempt = 1; ; attempt++) {
            FitmonClientException failure;
            Duration retryAfter = null;
            try {
                HttpResponse<byte[]> response = http.send(request(method, uri, signedPath, bytes),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() / 100 == 2) {
                    return new GatewayResponse(response.statusCode(), response.body());
                }
                retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
                GatewayProblemException problem = problem(response.statusCode(), response.body(), retryAfter);
                if (!RetryPolicy.retryableStatus(response.statusCode())) {
                    throw problem;
                }
                failure = problem;
            } catch (javax.net.ssl.SSLHandshakeException e) {
                if (certificateRefused(e)) {
                    throw GatewayUnreachableException.handshakeFailed(gatewayUrl, e); // trying again changes nothing
                }
                failure = new GatewayUnreachableException(gatewayUrl, e); // a handshake cut off: a restart, a reset
            } catch (IOException e) {
                failure = new GatewayUnreachableException(gatewayUrl, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayUnreachableException(gatewayUrl, e);
            }
            if (attempt >= maxAttempts) {
                throw failure;
            }
            if (failedAttempts != null) {
                failedAttempts.accept(attempt);
            }
            Duration wait = retryPolicy.waitAfter(attempt, retryAfter, () -> ThreadLocalRandom.current().nextDouble());
            if (retryListener != null) {
                retryListener.accept(method + " " + signedPath + " attempt " + attempt + " of " + maxAttempts + " failed ("
                        + failure.getMessage() + "); retrying in " + wait.toMillis() + " ms");
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /** The gateway's certificate did not check out here, as opposed to a handshake cut short. */
    private static boolean certificateRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return true;
            }
        }
        return false;
    }

    private HttpRequest request(String method, URI uri, String signedPath, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", "application/json, application/problem+json")
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            builder.header("Content-Type", "application/json");
        }
        if (signer != null) {
            signer.headers(method, signedPath, body).forEach(builder::header);
        }
        return builder.build();
    }

    /** Reads a problem+json answer; anything else still becomes a problem with the status as code. */
    static GatewayProblemException problem(int status, byte[] body, Duration retryAfter) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(text);
            String code = node != null && node.isObject() ? string(node, "code") : null;
            if (code != null) {
                return new GatewayProblemException(status, code, string(node, "title"),
                        string(node, "detail"), retryAfter);
            }
        } catch (JacksonException e) {
            // not JSON: described below
        }
        String detail = text.isBlank() ? "no details given" : abbreviate(text.strip());
        return new GatewayProblemException(status, "HTTP_" + status, null, detail, retryAfter);
    }

    private static String string(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.asString() : null;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_DETAIL_CHARS ? oneLine : oneLine.substring(0, MAX_DETAIL_CHARS) + "…";
    }

    /** Settings of a {@link GatewayClient}. */
    public static final class Builder {

        private final String gatewayUrl;
        private ApiKey apiKey;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Consumer<String> retryListener;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private javax.net.ssl.SSLContext tls;

        private Builder(String gatewayUrl) {
            this.gatewayUrl = normalise(gatewayUrl);
        }

        public Builder apiKey(ApiKey key) {
            this.apiKey = key;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long one attempt may wait for its answer (a publish waits for the replicas' order). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Told, in one line, about every attempt about to be repeated. */
        public Builder onRetry(Consumer<String> listener) {
            this.retryListener = listener;
            return this;
        }

        /**
         * The roots an https gateway URL is checked against, for instance the fitmon CA alone
         * ({@link fitmon.core.pki.CaTrust}); unset, the JDK's default roots.
         */
        public Builder tls(javax.net.ssl.SSLContext context) {
            this.tls = Objects.requireNonNull(context);
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public GatewayClient build() {
            HttpClient.Builder http = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER);
            if (tls != null) {
                http.sslContext(tls);
            }
            return new GatewayClient(gatewayUrl, http.build(), apiKey == null ? null : new RequestSigner(apiKey),
                    retryPolicy, requestTimeout, retryListener, sleeper);
        }

        private static String normalise(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("a gateway URL is required, such as http://localhost:8081");
            }
            String trimmed = url.strip();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gateway URL '" + url + "' is not a URL");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("gateway URL must be http(s)://host[:port], got '" + url + "'");
            }
            return trimmed;
        }
    }
}
