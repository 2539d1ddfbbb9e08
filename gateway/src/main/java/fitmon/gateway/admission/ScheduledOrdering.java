package fitmon.gateway.admission;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandResult;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.ordering.GatewayOrdering;
import fitmon.gateway.ordering.OrderingUnavailableException;
import fitmon.gateway.problem.ApiProblem;
import fitmon.replication.OrderingTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Every client command passes here: it waits its turn in the {@link PriorityScheduler} (by the
 * principal's role priority), is signed and ordered, and the caller gets the result f+1 replicas
 * agreed on, or a problem it can act on.
 */
@Component
public class ScheduledOrdering {

    private final PriorityScheduler scheduler;
    private final GatewayOrdering ordering;
    private final long waitMillis;

    public ScheduledOrdering(PriorityScheduler scheduler, GatewayOrdering ordering,
                             fitmon.gateway.ordering.ClusterProperties cluster) {
        this.scheduler = scheduler;
        this.ordering = ordering;
        // queueing time plus the ordering client's own timeout
        this.waitMillis = cluster.requestTimeout().toMillis() * 2;
    }

    public CommandResult execute(AuthenticatedPrincipal principal, BrokerCommand command, boolean unordered) {
        if (!ordering.ready()) {
            throw unavailable(ordering.waitingFor());
        }
        CompletableFuture<CommandResult> result;
        try {
            result = scheduler.submit(Math.max(1, Math.min(100, principal.priority())),
                    () -> ordering.submit(command, unordered));
        } catch (OverloadedException e) {
            long seconds = Math.max(1, e.retryAfter().toSeconds());
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "OVERLOADED",
                    "the gateway is saturated; retry after " + seconds + " s", Map.of("Retry-After", Long.toString(seconds)));
        }
        try {
            return result.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the request was interrupted");
        } catch (TimeoutException e) {
            throw timedOut();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof OrderingTimeoutException) {
                throw timedOut();
            }
            if (cause instanceof OrderingUnavailableException u) {
                throw unavailable(u.getMessage());
            }
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "REPLICAS_DISAGREE",
                    "the replicas did not return f+1 matching replies: " + cause);
        }
    }

    private static ApiProblem unavailable(String why) {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "ORDERING_UNAVAILABLE",
                "the gateway cannot reach the replica group yet: " + why, Map.of("Retry-After", "5"));
    }

    private static ApiProblem timedOut() {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "ORDERING_TIMEOUT",
                "f+1 replicas did not confirm the command in time; it may still take effect, so retry with the same "
                        + "content (an event keeps its SEQ)", Map.of("Retry-After", "5"));
    }
}
