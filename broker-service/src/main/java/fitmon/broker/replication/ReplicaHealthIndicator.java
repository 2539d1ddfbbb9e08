package fitmon.broker.replication;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** UP once the replica joined its group; OUT_OF_SERVICE ("waiting for peers") before. */
class ReplicaHealthIndicator implements HealthIndicator {

    private final ReplicaRuntime runtime;

    ReplicaHealthIndicator(ReplicaRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Health health() {
        Health.Builder builder = runtime.ready() ? Health.up() : Health.outOfService();
        return builder.withDetail("replicaState", runtime.state()).build();
    }
}
