package fitmon.gateway.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls to the registry service, authenticated by the service token. */
@Component
public class RegistryClient {

    public static final String SERVICE_TOKEN_HEADER = "X-Fitmon-Service-Token";
    public static final String PRINCIPAL_HEADER = "X-Fitmon-Principal";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RegistryProperties properties;
    private final RestClient rest;
    private volatile String serviceToken;

    public RegistryClient(RegistryProperties properties) {
        this.properties = properties;
        HttpClient http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(properties.timeout());
        this.rest = RestClient.builder().baseUrl(properties.url()).requestFactory(factory)
                // statuses are the caller's business: forwarded answers keep theirs
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    /** The key's record, or empty when the registry does not know the key id. */
    public Optional<ApiKeyRecord> apiKey(String keyId) {
        ResponseEntity<byte[]> response = call(HttpMethod.GET, "/internal/v1/api-keys/{id}", null, keyId);
        if (response.getStatusCode().value() == 404) {
            return Optional.empty();
        }
        requireSuccess(response, "API key lookup");
        return Optional.of(JSON.readValue(response.getBody(), ApiKeyRecord.class));
    }

    /** Asks the fitmon CA to certify this gateway's Ed25519 key: the DER certificate. */
    public byte[] issueGatewayCertificate(String name, byte[] publicKeySpki) {
        byte[] body = JSON.writeValueAsBytes(Map.of("name", name,
                "publicKey", Base64.getEncoder().encodeToString(publicKeySpki)));
        ResponseEntity<byte[]> response = call(HttpMethod.POST, "/internal/v1/gateway-certificates", body);
        requireSuccess(response, "gateway certificate request");
        String pem = JSON.readTree(response.getBody()).path("certificate").asString();
        return PemCertificates.der(pem);
    }

    /** The fitmon CA's public key (DER SubjectPublicKeyInfo), which every link certificate chains to. */
    public byte[] caPublicKey() {
        ResponseEntity<byte[]> response = call(HttpMethod.GET, "/api/v1/ca", null);
        requireSuccess(response, "CA key request");
        return Base64.getDecoder().decode(JSON.readTree(response.getBody()).path("publicKey").asString());
    }

    /** A console token for reading every channel on the replicas' read API. */
    public ReadToken readToken(String gatewayName) {
        ResponseEntity<byte[]> response = call(HttpMethod.POST, "/internal/v1/read-tokens",
                JSON.writeValueAsBytes(Map.of("name", gatewayName)));
        requireSuccess(response, "read token request");
        JsonNode body = JSON.readTree(response.getBody());
        return new ReadToken(body.path("token").asString(), Instant.parse(body.path("expiresAt").asString()));
    }

    /** A console token and when it expires. */
    public record ReadToken(String token, Instant expiresAt) {
    }

    /** The registry's unexpired revoked certificates: JSON {@code {"revoked":[{serial, kind, notAfter, ...}]}}. */
    public byte[] revokedCertificates() {
        ResponseEntity<byte[]> response = call(HttpMethod.GET, "/internal/v1/certificates/revoked", null);
        requireSuccess(response, "revoked certificate list");
        return response.getBody();
    }

    /**
     * Forwards an end user's call to the registry's public API, naming the principal the gateway
     * authenticated (null for the bootstrap-token enrollment call).
     */
    public ResponseEntity<byte[]> forward(HttpMethod method, String pathAndQuery, String principal, byte[] body,
                                          String contentType) {
        ResponseEntity<byte[]> response = exchange(method, properties.url() + pathAndQuery, new Object[0], principal,
                body, contentType == null ? MediaType.APPLICATION_JSON : MediaType.parseMediaType(contentType));
        HttpHeaders headers = new HttpHeaders();
        MediaType type = response.getHeaders().getContentType();
        if (type != null) {
            headers.setContentType(type);
        }
        return new ResponseEntity<>(response.getBody(), headers, response.getStatusCode());
    }

    private ResponseEntity<byte[]> call(HttpMethod method, String uri, byte[] body, Object... variables) {
        return exchange(method, uri, variables, null, body, MediaType.APPLICATION_JSON);
    }

    /** Every registry call: the service token, the acting principal if any, a body if any. */
    private ResponseEntity<byte[]> exchange(HttpMethod method, String uri, Object[] variables, String principal,
                                            byte[] body, MediaType contentType) {
        try {
            RestClient.RequestBodySpec spec = rest.method(method).uri(uri, variables)
                    .header(SERVICE_TOKEN_HEADER, serviceToken());
            if (principal != null) {
                spec.header(PRINCIPAL_HEADER, principal);
            }
            if (body != null && body.length > 0) {
                spec.contentType(contentType).body(body);
            }
            return spec.retrieve().toEntity(byte[].class);
        } catch (RestClientException e) {
            throw new RegistryUnavailableException("the registry at " + properties.url() + " did not answer: "
                    + e.getMessage(), e);
        }
    }

    private void requireSuccess(ResponseEntity<byte[]> response, String what) {
        if (!response.getStatusCode().is2xxSuccessful() || response.getBody() == null) {
            String body = response.getBody() == null ? "" : new String(response.getBody(), StandardCharsets.UTF_8);
            throw new RegistryUnavailableException(what + " failed with HTTP " + response.getStatusCode().value()
                    + (response.getStatusCode().value() == 401 ? " (is the gateway's service token the registry's?)" : "")
                    + ": " + body, null);
        }
    }

    /** Read lazily: on a first local run the registry writes the token file only once it is up. */
    private String serviceToken() {
        String token = serviceToken;
        if (token != null) {
            return token;
        }
        if (properties.serviceToken() != null && !properties.serviceToken().isBlank()) {
            token = properties.serviceToken().trim();
        } else {
            try {
                token = Files.readString(Path.of(properties.serviceTokenFile()), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new RegistryUnavailableException("no registry service token: set fitmon.gateway.registry.service-token "
                        + "or make " + properties.serviceTokenFile() + " readable (" + e.getMessage() + ")", e);
            }
        }
        serviceToken = token;
        return token;
    }
}
