package fitmon.gateway.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import fitmon.gateway.ordering.ClusterProperties;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The console token the gateway reads the replicas with: from the registry, for every channel (the
 * gateway checks its callers' permissions itself). Renewed once half its validity has passed, by
 * one caller at a time; if the registry does not answer then, the current token serves until it
 * expires and the registry is asked again at most every {@value #RETRY_SECONDS} s, so an outage
 * does not put a registry call in front of every read.
 */
@Component
public class ReplicaReadToken {

    private static final Logger log = LoggerFactory.getLogger(ReplicaReadToken.class);
    static final long RETRY_SECONDS = 5;

    /** A token, when to renew it, when it expires. */
    private record Held(String token, Instant renewAt, Instant expiresAt) {
    }

    private final RegistryClient registry;
    private final String gatewayName;
    private final Clock clock;
    private final AtomicReference<Held> held = new AtomicReference<>();
    private final Object renewal = new Object();
    private volatile Instant nextAttempt = Instant.MIN;

    @Autowired
    public ReplicaReadToken(RegistryClient registry, ClusterProperties cluster) {
        this(registry, cluster.name(), Clock.systemUTC());
    }

    ReplicaReadToken(RegistryClient registry, String gatewayName, Clock clock) {
        this.registry = registry;
        this.gatewayName = gatewayName;
        this.clock = clock;
    }

    /** A token to read with, or a 503 problem when there is none and the registry does not give one. */
    public String token() {
        Held current = held.get();
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current.token();
        }
        synchronized (renewal) {
            Instant now = clock.instant();
            current = held.get();
            if (current != null && now.isBefore(current.renewAt())) {
                return current.token();
            }
            boolean usable = current != null && now.isBefore(current.expiresAt());
            if (usable && now.isBefore(nextAttempt)) {
                return current.token();
            }
            try {
                RegistryClient.ReadToken fresh = registry.readToken(gatewayName);
                Duration half = Duration.between(now, fresh.expiresAt()).dividedBy(2);
                held.set(new Held(fresh.token(), now.plus(half.isNegative() ? Duration.ZERO : half), fresh.expiresAt()));
                return fresh.token();
            } catch (RuntimeException e) { // the registry unreachable, or its answer unreadable
                nextAttempt = now.plusSeconds(RETRY_SECONDS);
                if (usable) {
                    log.warn("cannot renew the replicas' read token ({}); the current one serves until {}",
                            e.getMessage(), current.expiresAt());
                    return current.token();
                }
                throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "REGISTRY_UNAVAILABLE",
                        "the gateway has no token to read the replicas with and the registry does not answer; retry shortly",
                        Map.of("Retry-After", Long.toString(RETRY_SECONDS)));
            }
        }
    }

    /**
     * f+1 replicas refused this token (the registry's signing key changed, say): the next read asks
     * for a new one. Never blocks: it is called from the HTTP client's threads.
     */
    public void refused(String token) {
        held.updateAndGet(current -> current != null && current.token().equals(token)
                ? new Held(current.token(), Instant.MIN, current.expiresAt()) : current);
        nextAttempt = Instant.MIN;
    }
}
