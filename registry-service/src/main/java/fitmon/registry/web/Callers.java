package fitmon.registry.web;

import fitmon.registry.principal.Principal;
import fitmon.registry.principal.PrincipalKind;
import fitmon.registry.principal.PrincipalRepository;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Who is calling: the principal the gateway authenticated and named in {@value #HEADER}. */
@Component
public class Callers {

    public static final String HEADER = "X-Fitmon-Principal";

    private final PrincipalRepository principals;

    public Callers(PrincipalRepository principals) {
        this.principals = principals;
    }

    /** The enabled principal named by the header. */
    public Principal require(HttpServletRequest request) {
        String name = request.getHeader(HEADER);
        if (name == null || name.isBlank()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "PRINCIPAL_REQUIRED",
                    "header " + HEADER + " must name the authenticated principal");
        }
        Principal principal = principals.findByName(name.trim()).orElseThrow(
                () -> ApiProblem.forbidden("principal '" + name.trim() + "' is not known to the registry"));
        if (!principal.enabled()) {
            throw ApiProblem.forbidden("principal '" + principal.name() + "' is disabled");
        }
        return principal;
    }

    /** The enabled ADMIN principal named by the header. */
    public Principal requireAdmin(HttpServletRequest request) {
        Principal principal = require(request);
        if (principal.kind() != PrincipalKind.ADMIN) {
            throw ApiProblem.forbidden("only ADMIN principals may do this; '" + principal.name() + "' is "
                    + principal.kind());
        }
        return principal;
    }
}
