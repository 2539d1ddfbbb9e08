package fitmon.gateway.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import fitmon.core.auth.RequestSigning;
import fitmon.gateway.admission.PrincipalRateLimit;
import fitmon.gateway.auth.nonce.NonceQuotaExceededException;
import fitmon.gateway.auth.nonce.NonceStore;
import fitmon.gateway.auth.nonce.NonceStoreFullException;
import fitmon.gateway.auth.nonce.NonceStoreUnavailableException;
import fitmon.gateway.limits.BodyLimitFilter;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.ApiKeyRecord;
import fitmon.gateway.registry.RegistryUnavailableException;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Authenticates a signed request by its API key and HMAC signature ({@link RequestSigning}), in an
 * order that keeps what an outsider can cost small: the cheap header checks, then the key (an
 * unknown or revoked key costs no body read), then the body and the signature, then the
 * principal's rate (a request over it takes no place in the nonce store), then the nonce.
 * Every refusal carries the precise problem the caller gets.
 */
@Component
public class SignedRequestAuthenticationProvider implements AuthenticationProvider {

    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9._~-]{8,128}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    private final ApiKeyDirectory keys;
    private final NonceStore nonces;
    private final PrincipalRateLimit rateLimit;
    private final AuthProperties properties;
    private final Duration nonceTtl;

    public SignedRequestAuthenticationProvider(ApiKeyDirectory keys, NonceStore nonces, PrincipalRateLimit rateLimit,
                                               AuthProperties properties) {
        this.keys = keys;
        this.nonces = nonces;
        this.rateLimit = rateLimit;
        this.properties = properties;
        this.nonceTtl = properties.clockSkew().multipliedBy(2);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return SignedRequestAuthentication.class.isAssignableFrom(authentication);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        SignedRequest request = ((SignedRequestAuthentication) authentication).request();
        try {
            return SignedRequestAuthentication.authenticated(AuthenticatedPrincipal.of(verify(request)));
        } catch (ApiProblem problem) {
            throw new RequestRefusedException(problem);
        }
    }

    private ApiKeyRecord verify(SignedRequest request) {
        if (!KEY_ID.matcher(request.keyId).matches()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "UNKNOWN_API_KEY", "no such API key");
        }
        checkTimestamp(request.timestamp);
        if (!NONCE.matcher(request.nonce).matches()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_NONCE",
                    "X-Nonce must be 8 to 128 characters of A-Z a-z 0-9 . _ ~ -");
        }
        ApiKeyDirectory.Resolved key = resolve(request.keyId);
        byte[] body = request.body();
        if (body == null) {
            throw BodyLimitFilter.tooLarge(request.maxBody());
        }
        if (!RequestSigning.verify(key.signingKey(), request.method(), request.pathAndQuery(), request.timestamp,
                request.nonce, body, request.signature)) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "BAD_SIGNATURE",
                    "X-Signature does not match the request (signed: method, path with query, X-Timestamp, X-Nonce, "
                            + "SHA-256 of the body)");
        }
        request.signatureVerified();
        // the rate before the nonce: a request over the rate must not take a place in the nonce store
        rateLimit.admit(key.record().principal());
        claimNonce(request.keyId, request.nonce);
        return key.record();
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
                    "the gateway cannot check API keys right now; retry shortly", Map.of("Retry-After", "5"));
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
                    Map.of("Retry-After", Long.toString(Math.max(1, nonceTtl.toSeconds() / 10))));
        } catch (NonceStoreFullException | NonceStoreUnavailableException e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "NONCE_STORE_UNAVAILABLE",
                    "the gateway cannot record nonces right now; retry shortly", Map.of("Retry-After", "5"));
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
