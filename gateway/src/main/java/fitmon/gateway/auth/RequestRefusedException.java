package fitmon.gateway.auth;

import fitmon.gateway.problem.ApiProblem;
import org.springframework.security.core.AuthenticationException;

/** Authentication refused with the precise problem the caller gets (401 UNKNOWN_API_KEY, 429 ...). */
final class RequestRefusedException extends AuthenticationException {

    private final transient ApiProblem problem;

    RequestRefusedException(ApiProblem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    ApiProblem problem() {
        return problem;
    }
}
