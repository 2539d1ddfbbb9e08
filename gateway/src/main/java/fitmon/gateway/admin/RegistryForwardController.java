package fitmon.gateway.admin;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryUnavailableException;
import fitmon.gateway.revocation.RevocationOrdering;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UrlPathHelper;

/**
 * Principal, key, role, group, enrollment, certificate and token administration live in the
 * registry; the gateway authenticates the caller and forwards the call with the caller's name.
 * The registry decides what that principal may do (administration needs an ADMIN principal) and
 * its answer, success or problem, is passed back unchanged (a certificate revocation the registry
 * accepted is then ordered to the replicas, see {@link RevocationOrdering}).
 */
@RestController
@Tag(name = "administration", description = "served by the registry; see registry-service/README.md for bodies")
public class RegistryForwardController {

    private static final Pattern SAFE_PATH = Pattern.compile("/api/v1(/(?!\\.+(/|$))[A-Za-z0-9._:-]+)+");

    private final RegistryClient registry;
    private final RevocationOrdering revocations;

    public RegistryForwardController(RegistryClient registry, RevocationOrdering revocations) {
        this.registry = registry;
        this.revocations = revocations;
    }

    @RequestMapping({"/api/v1/principals", "/api/v1/principals/**", "/api/v1/enrollments", "/api/v1/enrollments/**",
            "/api/v1/certificates/**", "/api/v1/gateway-certificates", "/api/v1/roles", "/api/v1/roles/**", "/api/v1/groups", "/api/v1/groups/**",
            "/api/v1/tokens", "/api/v1/tokens/**", "/api/v1/ca"})
    @Operation(summary = "Registry administration: principals and their keys, roles, groups, enrollments, "
            + "certificates (probes' and gateways'), console tokens, the CA certificate")
    public ResponseEntity<byte[]> forward(HttpServletRequest request) throws IOException {
        HttpMethod method = HttpMethod.valueOf(request.getMethod());
        // forward the path the mapping matched (normalized), never the raw spelling, and only
        // characters principal names, ids and serials use
        String path = UrlPathHelper.defaultInstance.getLookupPathForRequest(request);
        if (!SAFE_PATH.matcher(path).matches()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_PATH",
                    "path segments may hold only letters, digits and . _ : - characters");
        }
        String pathAndQuery = request.getQueryString() == null ? path : path + "?" + request.getQueryString();
        String principal = request.getAttribute(AuthenticatedPrincipal.ATTRIBUTE) instanceof AuthenticatedPrincipal p
                ? p.name() : null;
        byte[] body = request.getInputStream().readAllBytes();
        try {
            return revocations.afterRegistryAnswer(method, path,
                    registry.forward(method, pathAndQuery, principal, body, request.getContentType()));
        } catch (RegistryUnavailableException e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "REGISTRY_UNAVAILABLE",
                    "the registry cannot be reached right now; retry shortly", Map.of("Retry-After", "5"));
        }
    }
}
