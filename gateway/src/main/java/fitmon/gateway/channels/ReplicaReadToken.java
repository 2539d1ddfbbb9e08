package fitmon.gateway.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import fitmon.gateway.ordering.ClusterProperties;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The console token the gateway reads the replicas with: from the registry, for every channel (the
 * gateway checks its callers' permissions itself). Renewed once half its validity has passed; if
 * the registry does not answer then, the current token serves until it expires.
 */
@Component
public class ReplicaReadToken {

    private static final Logger log = LoggerFactory.getLogger(ReplicaReadToken.class);

    private record Held(String token, Instant renewAt, Instant expiresAt) {
    }

    private final RegistryClient registry;
    private final String gatewayName;
    private final Clock clock;
    private volatile Held held;

    @Autowired
    public ReplicaReadToken(RegistryClient registry, ClusterProperties cluster) {
        this(registry, cluster.name(), Clock.systemUTC());
    }

    ReplicaReadToken(RegistryClient registry, String gatewayName, Clock clock) {
        this.registry = registry;
        this.gatewayName = gatewayName;
        this.clock = clock;
    }

    /** A valid token, or a 503 problem when there is none and the registry does not give one. */
    public String token() {
        Instant now = clock.instant();
        Held current = held;
        if (current != null && now.isBefore(current.renewAt())) {
            return current.token();
        }
        synchronized (this) {
            current = held;
            if (current != null && now.isBefore(current.renewAt())) {
                return current.token();
            }
            try {
                RegistryClient.ReadToken fresh = registry.readToken(gatewayName);
                Duration half = Duration.between(now, fresh.expiresAt()).dividedBy(2);
                held = new Held(fresh.token(), now.plus(half), fresh.expiresAt());
                return fresh.token();
            } catch (RegistryUnavailableException e) {
                if (current != null && now.isBefore(current.expiresAt())) {
                    log.warn("cannot renew the replicas' read token ({}); the current one serves until {}",
                            e.getMessage(), current.expiresAt());
                    return current.token();
                }
                throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "REGISTRY_UNAVAILABLE",
                        "the gateway has no token to read the replicas with and the registry does not answer; retry shortly",
                        Map.of("Retry-After", "5"));
            }
        }
    }

    /** A replica refused this token (the registry's key changed, say): the next read asks for a new one. */
    public void refused(String token) {
        synchronized (this) {
            Held current = held;
            if (current != null && current.token().equals(token)) {
                held = null;
            }
        }
    }
}
