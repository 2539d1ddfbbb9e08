package fitmon.registry.token;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fitmon.registry.access.AccessRepository;
import fitmon.registry.access.Permission;
import fitmon.registry.config.RegistryProperties;
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

    public static final String ISSUER = "fitmon-registry";

    private final TokenSigningKey key;
    private final Callers callers;
    private final AccessRepository access;
    private final RegistryProperties properties;

    public TokenController(TokenSigningKey key, Callers callers, AccessRepository access, RegistryProperties properties) {
        this.key = key;
        this.callers = callers;
        this.access = access;
        this.properties = properties;
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
        // JWT times are whole seconds; expiresAt says exactly what the token says
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(properties.tokens().validity());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(principal.name())
                .claim("kind", principal.kind().name()).claim("subscribe", subscribe)
                .issueTime(Date.from(now)).expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.jwk().getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key.jwk()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a console token", e);
        }
        return Map.of("token", jwt.serialize(), "expiresAt", expires.toString());
    }

    @GetMapping(value = "/api/v1/tokens/jwks.json", produces = {"application/json", "application/jwk-set+json"})
    public Map<String, Object> jwks() {
        return key.publicJwks().toJSONObject();
    }
}
