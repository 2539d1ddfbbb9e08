package fitmon.gateway.revocation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway carries certificate revocations from the registry to the replicas
 * ({@code fitmon.gateway.revocation.*}).
 *
 * @param interval     how often the registry's list of revoked certificates is compared with what
 *                     this gateway has ordered; a revocation made while no gateway ran reaches
 *                     the replicas within this time of a gateway (re)starting
 * @param orderTimeout how long one revocation may wait for the replicas' f+1 matching replies
 */
@ConfigurationProperties("fitmon.gateway.revocation")
public record RevocationProperties(
        @DefaultValue("60s") Duration interval,
        @DefaultValue("15s") Duration orderTimeout) {
}
