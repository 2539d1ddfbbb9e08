package fitmon.gateway.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Group commit of publishes ({@code fitmon.gateway.group-commit.*}, see {@link GroupCommit}).
 *
 * @param maxInFlight      commands out at once per channel; requests arriving while all are out
 *                         wait and leave together. 1 turns group commit into strict one-at-a-time
 *                         per channel; 2 keeps the next command queued at the leader while one is
 *                         decided
 * @param maxEvents        events in one command; keep it below the replicas'
 *                         {@code fitmon.broker.limits.max-batch-events} (1000)
 * @param maxBytes         bytes of events in one command
 * @param maxWaitingEvents events that may wait per channel; beyond that publishes get 429 at once
 */
@ConfigurationProperties("fitmon.gateway.group-commit")
public record GroupCommitProperties(
        @DefaultValue("2") int maxInFlight,
        @DefaultValue("500") int maxEvents,
        @DefaultValue("1048576") long maxBytes,
        @DefaultValue("5000") int maxWaitingEvents) {
}
