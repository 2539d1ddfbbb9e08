package fitmon.broker.access;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Checks console tokens: ES256 JWTs from the registry (issuer {@code fitmon-registry}), against
 * the keys it publishes at {@code jwks-url} (fetched on first use, cached, refetched for an
 * unknown key id, rate-limited by the library). Consoles present them in STOMP {@code CONNECT}, readers
 * of the read API as {@code Authorization: Bearer}.
 */
public final class ConsoleTokens {

    public static final String ISSUER = "fitmon-registry";

    private final String jwksUrl;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public ConsoleTokens(String jwksUrl) {
        this.jwksUrl = jwksUrl;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).retrying(true).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("fitmon.broker.delivery.jwks-url is not a URL: " + jwksUrl, e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "subscribe")));
    }

    /**
     * @param where how the caller should present a token, for the refusal of a missing one
     */
    public ConsoleIdentity verify(String token, String where) throws TokenRefusedException {
        if (token == null || token.isBlank()) {
            throw new TokenRefusedException(where + " a console token (POST /api/v1/tokens on the gateway)", false);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token.trim(), null);
        } catch (BadJWTException e) {
            if (e.getMessage() != null && e.getMessage().contains("xpired")) {
                throw new TokenRefusedException("the console token has expired; get a new one", true);
            }
            throw new TokenRefusedException("console token refused: " + e.getMessage(), false);
        } catch (KeySourceException e) {
            throw TokenRefusedException.unchecked(
                    "cannot check the console token: the registry's keys at " + jwksUrl + " are unreachable");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new TokenRefusedException("console token refused: " + e.getMessage(), false);
        }
        List<String> patterns;
        try {
            patterns = claims.getStringListClaim("subscribe");
        } catch (ParseException e) {
            throw new TokenRefusedException("console token's 'subscribe' claim is not a list", false);
        }
        return new ConsoleIdentity(claims.getSubject(), patterns == null ? List.of() : List.copyOf(patterns),
                claims.getExpirationTime().toInstant());
    }
}
