package fitmon.broker.replication;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of a replica: UP once its group has ordered a command that this replica executed
 * since it started; OUT_OF_SERVICE before, saying whether it still waits for its peers or for the
 * group to order (on a fresh group the gateway's first Tick or request does that). Liveness does
 * not depend on it, so a replica waiting for its group is not restarted.
 */
class ReplicaHealthIndicator implements HealthIndicator {

    private final ReplicaRuntime runtime;
    private final ReplicatedBroker broker;

    ReplicaHealthIndicator(ReplicaRuntime runtime, ReplicatedBroker broker) {
        this.runtime = runtime;
        this.broker = broker;
    }

    @Override
    public Health health() {
        if (!runtime.ready()) {
            return Health.outOfService().withDetail("replicaState", runtime.state())
                    .withDetail("waitingFor", "peers").build();
        }
        if (broker.lastConsensusId() < 0) {
            return Health.outOfService().withDetail("replicaState", runtime.state())
                    .withDetail("waitingFor", "the group to order a command").build();
        }
        return Health.up().withDetail("replicaState", runtime.state())
                .withDetail("lastConsensusId", broker.lastConsensusId())
                .withDetail("activity", runtime.activity())
                .withDetail("regency", runtime.regency()).build();
    }
}
