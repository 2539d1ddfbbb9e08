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
        return await(submit(priorityOf(principal), command, unordered));
    }

    /** The principal's role priority, clamped to the scheduler's range. */
    public static int priorityOf(AuthenticatedPrincipal principal) {
        return Math.max(PriorityScheduler.MIN_PRIORITY, Math.min(PriorityScheduler.MAX_PRIORITY, principal.priority()));
    }

    /**
     * Queues a command by priority and returns at once.
     *
     * @throws ApiProblem 503 while the gateway is not connected, 429 when too many commands wait
     */
    public CompletableFuture<CommandResult> submit(int priority, BrokerCommand command, boolean unordered) {
        if (!ordering.ready()) {
            throw unavailable(ordering.waitingFor());
        }
        try {
            return scheduler.submit(priority, () -> ordering.submit(command, unordered));
        } catch (OverloadedException e) {
            throw overloaded(e);
        }
    }

    /** The 429 a caller gets when ordering does not keep up, with when to try again. */
    public static ApiProblem overloaded(OverloadedException e) {
        long seconds = Math.max(1, e.retryAfter().toSeconds());
        return new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "OVERLOADED",
                "the gateway is saturated: " + e.getMessage(), Map.of("Retry-After", Long.toString(seconds)));
    }

    /** Waits for a submitted command's result; every failure becomes a problem the caller can act on. */
    public CommandResult await(CompletableFuture<CommandResult> result) {
        try {
            return result.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the request was interrupted");
        } catch (TimeoutException e) {
            result.cancel(false); // not sent yet: never will be; out already: its answer is dropped
            throw timedOut();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof OrderingTimeoutException) {
                throw timedOut();
            }
            if (cause instanceof OrderingUnavailableException u) {
                throw unavailable(u.getMessage());
            }
            if (cause instanceof ApiProblem problem) {
                throw problem;
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
