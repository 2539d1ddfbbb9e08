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
 */
@ConfigurationProperties("fitmon.gateway.admission")
public record AdmissionProperties(
        @DefaultValue("200") double permitsPerSecond,
        @DefaultValue("400") int burst,
        @DefaultValue("64") int concurrency,
        @DefaultValue("5000") int maxQueued) {
}
