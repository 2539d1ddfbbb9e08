package fitmon.gateway.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits and scheduling under contention ({@code fitmon.gateway.admission.*}).
 *
 * @param permitsPerSecond sustained requests per second allowed to each principal
 * @param burst            requests a principal may send at once above that rate
 * @param concurrency      commands in flight to the replicas at once; more wait in the scheduler,
 *                         which picks the next by role priority with weighted fairness
 * @param maxQueued        commands allowed to wait; beyond that the gateway answers 429
 * @param clientPermitsPerSecond sustained unauthenticated or failed {@code /api/} requests per second
 *                         allowed to one client address (IPv4 address, IPv6 /64), checked before
 *                         authentication; beyond → 429 {@code CLIENT_RATE_LIMITED}
 * @param clientBurst      such requests one address may send at once above that rate
 * @param maxClients       client addresses tracked before idle (full) buckets are dropped
 */
@ConfigurationProperties("fitmon.gateway.admission")
public record AdmissionProperties(
        @DefaultValue("200") double permitsPerSecond,
        @DefaultValue("400") int burst,
        @DefaultValue("64") int concurrency,
        @DefaultValue("5000") int maxQueued,
        @DefaultValue("20") double clientPermitsPerSecond,
        @DefaultValue("100") int clientBurst,
        @DefaultValue("100000") int maxClients) {
}
