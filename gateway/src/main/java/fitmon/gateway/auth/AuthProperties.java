package fitmon.gateway.auth;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Request authentication ({@code fitmon.gateway.auth.*}).
 *
 * @param clockSkew     how far X-Timestamp may be from the gateway's clock, either way; nonces
 *                      are remembered for twice this, so a replay is refused for as long as its
 *                      timestamp would be accepted
 * @param maxBodySize   largest body of a signed request (read and hashed for the signature);
 *                      larger → 413 {@code BODY_TOO_LARGE}
 * @param maxPublicBodySize largest body on every path served without a signature (enrollment,
 *                      actuator, documentation); larger → 413 {@code BODY_TOO_LARGE}
 * @param nonceStore    {@code memory} (one gateway) or {@code redis} (several gateways sharing
 *                      nonces; configure {@code spring.data.redis.*})
 * @param maxNonces     capacity of the in-memory nonce store
 * @param maxNoncesPerKey nonces one API key may hold at once (in memory: unexpired ones; in Redis:
 *                      claimed within one nonce ttl), so one key cannot fill the store for the
 *                      others; beyond → 429 {@code NONCE_QUOTA_EXCEEDED}. The default is above
 *                      what the per-principal rate allows in one ttl (200/s × 10 min + burst)
 */
@ConfigurationProperties("fitmon.gateway.auth")
public record AuthProperties(
        @DefaultValue("5m") Duration clockSkew,
        @DefaultValue("8MB") DataSize maxBodySize,
        @DefaultValue("64KB") DataSize maxPublicBodySize,
        @DefaultValue("memory") String nonceStore,
        @DefaultValue("1000000") int maxNonces,
        @DefaultValue("125000") int maxNoncesPerKey) {

    public AuthProperties {
        if (!"memory".equals(nonceStore) && !"redis".equals(nonceStore)) {
            throw new IllegalArgumentException("fitmon.gateway.auth.nonce-store must be 'memory' or 'redis', got '"
                    + nonceStore + "'");
        }
        if (maxNoncesPerKey < 1) {
            throw new IllegalArgumentException("fitmon.gateway.auth.max-nonces-per-key must be at least 1, got "
                    + maxNoncesPerKey);
        }
        if (clockSkew.isNegative() || clockSkew.isZero()) {
            throw new IllegalArgumentException("fitmon.gateway.auth.clock-skew must be positive, got " + clockSkew);
        }
    }
}
