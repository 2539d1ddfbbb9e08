package fitmon.gateway.auth;

import fitmon.gateway.problem.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

/** Permission checks for controllers, on the principal {@link SignedRequestAuthenticationFilter} authenticated. */
public final class Authorization {

    private Authorization() {
    }

    public static AuthenticatedPrincipal principal(HttpServletRequest request) {
        if (request.getAttribute(AuthenticatedPrincipal.ATTRIBUTE) instanceof AuthenticatedPrincipal principal) {
            return principal;
        }
        throw new ApiProblem(HttpStatus.UNAUTHORIZED, "MISSING_CREDENTIALS", "this endpoint needs a signed request");
    }

    /** The principal, once it is known to hold {@code action} on {@code tag}. */
    public static AuthenticatedPrincipal require(HttpServletRequest request, Action action, String tag) {
        AuthenticatedPrincipal principal = principal(request);
        if (!principal.may(action, tag)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "FORBIDDEN",
                    "principal '" + principal.name() + "' has no " + action + " permission on channel '" + tag + "'");
        }
        return principal;
    }
}
