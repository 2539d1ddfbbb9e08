package fitmon.gateway.auth;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A signed request on its way through Spring Security: unauthenticated with the request's
 * credentials, then authenticated as the {@link AuthenticatedPrincipal} its API key belongs to,
 * with the principal's kind as its role ({@code ROLE_PROBE}, {@code ROLE_ADMIN}, ...).
 */
public final class SignedRequestAuthentication extends AbstractAuthenticationToken {

    private final transient SignedRequest request;
    private final AuthenticatedPrincipal principal;

    private SignedRequestAuthentication(SignedRequest request, AuthenticatedPrincipal principal) {
        super(principal == null ? List.of() : List.of(new SimpleGrantedAuthority("ROLE_" + principal.kind())));
        this.request = request;
        this.principal = principal;
        setAuthenticated(principal != null);
    }

    static SignedRequestAuthentication unauthenticated(SignedRequest request) {
        return new SignedRequestAuthentication(request, null);
    }

    /** Holds the principal only: the request and its body stay out of the security context. */
    static SignedRequestAuthentication authenticated(AuthenticatedPrincipal principal) {
        return new SignedRequestAuthentication(null, principal);
    }

    SignedRequest request() {
        return request;
    }

    @Override
    public Object getCredentials() {
        return request == null ? null : request.keyId; // null once authenticated
    }

    @Override
    public AuthenticatedPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal == null ? (request == null ? "" : request.keyId) : principal.name();
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
