package fitmon.registry.token;

import java.util.List;
import java.util.Map;

import fitmon.registry.access.AccessRepository;
import fitmon.registry.access.Permission;
import fitmon.registry.principal.Principal;
import fitmon.registry.web.ApiProblem;
import fitmon.registry.web.Callers;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Short-lived console tokens: ES256 JWTs naming the principal and the TAG patterns it may
 * subscribe to, checked by the replicas' STOMP endpoints against the published JWKS.
 */
@RestController
public class TokenController {

    private final ConsoleTokenIssuer issuer;
    private final TokenSigningKey key;
    private final Callers callers;
    private final AccessRepository access;

    public TokenController(ConsoleTokenIssuer issuer, TokenSigningKey key, Callers callers, AccessRepository access) {
        this.issuer = issuer;
        this.key = key;
        this.callers = callers;
        this.access = access;
    }

    @PostMapping("/api/v1/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, String> issue(HttpServletRequest request) {
        Principal principal = callers.require(request);
        List<String> subscribe = access.effectivePermissions(principal.id()).stream()
                .filter(p -> "SUBSCRIBE".equals(p.action())).map(Permission::tagPattern).distinct().sorted().toList();
        if (subscribe.isEmpty()) {
            throw ApiProblem.forbidden("'" + principal.name() + "' may subscribe to no channel, so it gets no console token");
        }
        ConsoleTokenIssuer.IssuedToken token = issuer.issue(principal.name(), principal.kind().name(), subscribe);
        return Map.of("token", token.token(), "expiresAt", token.expiresAt().toString());
    }

    @GetMapping(value = "/api/v1/tokens/jwks.json", produces = {"application/json", "application/jwk-set+json"})
    public Map<String, Object> jwks() {
        return key.publicJwks().toJSONObject();
    }
}
