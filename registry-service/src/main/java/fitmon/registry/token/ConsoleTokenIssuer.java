package fitmon.registry.token;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.Times;
import org.springframework.stereotype.Component;

/**
 * Mints console tokens: ES256 JWTs naming a subject, its kind and the TAG patterns it may read,
 * valid for {@code fitmon.registry.tokens.validity}. The replicas check them, against the JWKS,
 * on {@code /ws} and on their read API.
 */
@Component
public class ConsoleTokenIssuer {

    public static final String ISSUER = "fitmon-registry";

    /** A serialized token and the instant it stops being valid. */
    public record IssuedToken(String token, Instant expiresAt) {
    }

    private final TokenSigningKey key;
    private final RegistryProperties properties;

    public ConsoleTokenIssuer(TokenSigningKey key, RegistryProperties properties) {
        this.key = key;
        this.properties = properties;
    }

    public IssuedToken issue(String subject, String kind, List<String> subscribePatterns) {
        // JWT times are whole seconds; expiresAt says exactly what the token says
        Instant now = Times.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(properties.tokens().validity());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject)
                .claim("kind", kind).claim("subscribe", subscribePatterns)
                .issueTime(Date.from(now)).expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.jwk().getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key.jwk()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a console token", e);
        }
        return new IssuedToken(jwt.serialize(), expires);
    }
}
