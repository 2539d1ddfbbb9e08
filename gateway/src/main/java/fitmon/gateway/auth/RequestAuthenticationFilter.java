package fitmon.gateway.auth;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import fitmon.core.auth.RequestSigning;
import fitmon.gateway.admission.ClientPermit;
import fitmon.gateway.admission.PrincipalRateLimit;
import fitmon.gateway.auth.nonce.NonceQuotaExceededException;
import fitmon.gateway.auth.nonce.NonceStore;
import fitmon.gateway.auth.nonce.NonceStoreFullException;
import fitmon.gateway.auth.nonce.NonceStoreUnavailableException;
import fitmon.gateway.limits.BodyLimitFilter;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.problem.ProblemWriter;
import fitmon.gateway.registry.ApiKeyRecord;
import fitmon.gateway.registry.RegistryUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Authenticates every {@code /api/} request by API key and HMAC signature (see
 * {@link RequestSigning}) before anything else looks at it: stale timestamps, reused nonces,
 * unknown or revoked keys and bad signatures are refused here with a precise 401/403. The
 * authenticated principal is left as a request attribute for authorization.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestAuthenticationFilter extends OncePerRequestFilter {

    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9._~-]{8,128}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    /** Set once the signature is verified: the request is the named principal's (whatever it gets next). */

    private final ApiKeyDirectory keys;
    private final NonceStore nonces;
    private final PrincipalRateLimit rateLimit;
    private final AuthProperties properties;
    private final Duration nonceTtl;

    public RequestAuthenticationFilter(ApiKeyDirectory keys, NonceStore nonces, PrincipalRateLimit rateLimit,
                                       AuthProperties properties) {
        this.keys = keys;
        this.nonces = nonces;
        this.rateLimit = rateLimit;
        this.properties = properties;
        this.nonceTtl = properties.clockSkew().multipliedBy(2);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // decide on the path as the handlers will match it (decoded, ';' parameters and '//' removed),
        // so that no spelling of a protected path passes as public
        return PublicEndpoints.isPublic(request.getMethod(), UrlPathHelper.defaultInstance.getLookupPathForRequest(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CachedBodyRequest authenticated;
        try {
            authenticated = authenticate(request);
        } catch (ApiProblem problem) {
            ProblemWriter.write(response, problem, request.getRequestURI());
            return;
        }
        chain.doFilter(authenticated, response);
    }

    private CachedBodyRequest authenticate(HttpServletRequest request) throws IOException {
        String keyId = request.getHeader(RequestSigning.HEADER_API_KEY);
        String timestamp = request.getHeader(RequestSigning.HEADER_TIMESTAMP);
        String nonce = request.getHeader(RequestSigning.HEADER_NONCE);
        String signature = request.getHeader(RequestSigning.HEADER_SIGNATURE);
        List<String> missing = new ArrayList<>();
        if (keyId == null) {
            missing.add(RequestSigning.HEADER_API_KEY);
        }
        if (timestamp == null) {
            missing.add(RequestSigning.HEADER_TIMESTAMP);
        }
        if (nonce == null) {
            missing.add(RequestSigning.HEADER_NONCE);
        }
        if (signature == null) {
            missing.add(RequestSigning.HEADER_SIGNATURE);
        }
        if (!missing.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "MISSING_CREDENTIALS",
                    "this endpoint needs a signed request; missing header(s): " + String.join(", ", missing));
        }
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "UNKNOWN_API_KEY", "no such API key");
        }
        checkTimestamp(timestamp);
        if (!NONCE.matcher(nonce).matches()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_NONCE",
                    "X-Nonce must be 8 to 128 characters of A-Z a-z 0-9 . _ ~ -");
        }
        // the key first: an unknown or revoked key costs no body read
        ApiKeyDirectory.Resolved key = resolve(keyId);
        byte[] body = CachedBodyRequest.readBody(request, properties.maxBodySize().toBytes());
        if (body == null) {
            throw BodyLimitFilter.tooLarge(properties.maxBodySize().toBytes());
        }
        String pathAndQuery = request.getQueryString() == null ? request.getRequestURI()
                : request.getRequestURI() + "?" + request.getQueryString();
        if (!RequestSigning.verify(key.signingKey(), request.getMethod(), pathAndQuery, timestamp, nonce, body, signature)) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "BAD_SIGNATURE",
                    "X-Signature does not match the request (signed: method, path with query, X-Timestamp, X-Nonce, "
                            + "SHA-256 of the body)");
        }
        ClientPermit.release(request);
        // the rate before the nonce: a request over the rate must not take a place in the nonce store
        rateLimit.admit(key.record().principal());
        claimNonce(keyId, nonce);
        CachedBodyRequest wrapped = new CachedBodyRequest(request, body);
        wrapped.setAttribute(AuthenticatedPrincipal.ATTRIBUTE, AuthenticatedPrincipal.of(key.record()));
        return wrapped;
    }

    private void checkTimestamp(String timestamp) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_TIMESTAMP",
                    "X-Timestamp must be Unix time in seconds, got '" + abbreviate(timestamp) + "'");
        }
        long now = System.currentTimeMillis() / 1000;
        if (Math.abs(now - seconds) > properties.clockSkew().toSeconds()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "STALE_TIMESTAMP",
                    "X-Timestamp " + seconds + " is more than " + properties.clockSkew().toSeconds()
                            + " s from the gateway's clock (" + now + ")");
        }
    }

    private ApiKeyDirectory.Resolved resolve(String keyId) {
        Optional<ApiKeyDirectory.Resolved> found;
        try {
            found = keys.lookup(keyId);
        } catch (RegistryUnavailableException e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "REGISTRY_UNAVAILABLE",
                    "the gateway cannot check API keys right now; retry shortly", java.util.Map.of("Retry-After", "5"));
        }
        ApiKeyDirectory.Resolved key = found.orElseThrow(
                () -> new ApiProblem(HttpStatus.UNAUTHORIZED, "UNKNOWN_API_KEY", "no such API key"));
        ApiKeyRecord record = key.record();
        if (record.keyRevoked()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "API_KEY_REVOKED", "this API key was revoked");
        }
        if (!record.enabled()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "PRINCIPAL_DISABLED",
                    "principal '" + record.principal() + "' is disabled");
        }
        return key;
    }

    private void claimNonce(String keyId, String nonce) {
        boolean fresh;
        try {
            fresh = nonces.claim(keyId, nonce, nonceTtl);
        } catch (NonceQuotaExceededException e) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "NONCE_QUOTA_EXCEEDED", e.getMessage(),
                    java.util.Map.of("Retry-After", Long.toString(Math.max(1, nonceTtl.toSeconds() / 10))));
        } catch (NonceStoreFullException | NonceStoreUnavailableException e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "NONCE_STORE_UNAVAILABLE",
                    "the gateway cannot record nonces right now; retry shortly", java.util.Map.of("Retry-After", "5"));
        }
        if (!fresh) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "NONCE_REUSED",
                    "X-Nonce was already used with this key; every request needs a fresh nonce");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}
