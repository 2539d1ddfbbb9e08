package fitmon.gateway.ordering;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: UP once the gateway holds a certificate and is connected to the replica group. */
@Component("ordering")
public class OrderingHealthIndicator implements HealthIndicator {

    private final GatewayOrdering ordering;

    public OrderingHealthIndicator(GatewayOrdering ordering) {
        this.ordering = ordering;
    }

    @Override
    public Health health() {
        if (ordering.ready()) {
            return Health.up().build();
        }
        return Health.outOfService().withDetail("waitingFor", String.valueOf(ordering.waitingFor())).build();
    }
}
