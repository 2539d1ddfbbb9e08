package fitmon.gateway.channels;

import fitmon.core.command.CommandResult;
import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;

/** Turns the replicas' agreed result of a non-publish command into success or a problem. */
final class Replies {

    private Replies() {
    }

    static void requireAccepted(CommandResult result) {
        if (result instanceof CommandResult.Accepted) {
            return;
        }
        if (result instanceof CommandResult.Rejected rejected) {
            throw RejectionStatus.problem(rejected.reason(), rejected.detail());
        }
        throw new ApiProblem(HttpStatus.BAD_GATEWAY, "UNEXPECTED_REPLY", "the replicas answered " + result);
    }
}
