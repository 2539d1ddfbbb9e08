package fitmon.gateway.channels;

import fitmon.core.command.RejectReason;
import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;

/** The HTTP status of each reason the replicas give for refusing a command or an event. */
final class RejectionStatus {

    private RejectionStatus() {
    }

    static HttpStatus of(RejectReason reason) {
        switch (reason) {
            case CHANNEL_NOT_FOUND:
            case NOT_SUBSCRIBED:
                return HttpStatus.NOT_FOUND;
            case CHANNEL_EXISTS:
            case CHANNEL_LIMIT_REACHED:
            case PROBE_LIMIT_REACHED:
            case SUBSCRIBER_LIMIT_REACHED:
            case ALREADY_SUBSCRIBED:
            case SEQ_NOT_INCREASING:
            case REVOCATION_LIMIT_REACHED:
                return HttpStatus.CONFLICT;
            case EVENT_TOO_LARGE:
            case BATCH_TOO_LARGE:
                return HttpStatus.CONTENT_TOO_LARGE;
            case CERTIFICATE_UNTRUSTED:
            case CERTIFICATE_NOT_YET_VALID:
            case CERTIFICATE_EXPIRED:
            case PROBE_NOT_REGISTERED:
            case PROBE_CERTIFICATE_EXPIRED:
            case SIGNATURE_INVALID:
            case CERTIFICATE_REVOKED:
                return HttpStatus.FORBIDDEN;
            case COMMAND_UNAUTHENTICATED:
            case COMMAND_REPLAYED:
                // the replicas do not trust this gateway: nothing the client can fix
                return HttpStatus.BAD_GATEWAY;
            default:
                return HttpStatus.BAD_REQUEST;
        }
    }

    static ApiProblem problem(RejectReason reason, String detail) {
        return new ApiProblem(of(reason), reason.name(), detail);
    }
}
