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
 * @param maxBodySize   largest request body read (and hashed) before anything else; larger → 413
 * @param nonceStore    {@code memory} (one gateway) or {@code redis} (several gateways sharing
 *                      nonces; configure {@code spring.data.redis.*})
 * @param maxNonces     capacity of the in-memory nonce store
 */
@ConfigurationProperties("fitmon.gateway.auth")
public record AuthProperties(
        @DefaultValue("5m") Duration clockSkew,
        @DefaultValue("8MB") DataSize maxBodySize,
        @DefaultValue("memory") String nonceStore,
        @DefaultValue("1000000") int maxNonces) {

    public AuthProperties {
        if (!"memory".equals(nonceStore) && !"redis".equals(nonceStore)) {
            throw new IllegalArgumentException("fitmon.gateway.auth.nonce-store must be 'memory' or 'redis', got '"
                    + nonceStore + "'");
        }
        if (clockSkew.isNegative() || clockSkew.isZero()) {
            throw new IllegalArgumentException("fitmon.gateway.auth.clock-skew must be positive, got " + clockSkew);
        }
    }
}
