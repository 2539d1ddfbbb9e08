package fitmon.core.command;

/** Why the broker refused a command or an event. Stable names: they appear in the API. */
public enum RejectReason {
    MALFORMED_COMMAND,
    COMMAND_UNAUTHENTICATED,
    COMMAND_REPLAYED,
    INVALID_TAG,
    INVALID_LIMITS,
    CHANNEL_EXISTS,
    CHANNEL_LIMIT_REACHED,
    CHANNEL_NOT_FOUND,
    PROBE_LIMIT_REACHED,
    SUBSCRIBER_LIMIT_REACHED,
    INVALID_SUBSCRIBER,
    ALREADY_SUBSCRIBED,
    NOT_SUBSCRIBED,
    CERTIFICATE_MALFORMED,
    CERTIFICATE_UNTRUSTED,
    CERTIFICATE_NOT_YET_VALID,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_UNSUPPORTED,
    MALFORMED_EVENT,
    EVENT_TOO_LARGE,
    BATCH_TOO_LARGE,
    TAG_MISMATCH,
    PROBE_NOT_REGISTERED,
    PROBE_CERTIFICATE_EXPIRED,
    SIGNATURE_REQUIRED,
    SIGNATURE_INVALID,
    SEQ_NOT_INCREASING,
    WRONG_DELIVERY_PATH,
    /** The certificate (a probe's or a gateway's) is in the replicas' revoked set. */
    CERTIFICATE_REVOKED,
    /** The revoked set holds its maximum of unexpired certificates. */
    REVOCATION_LIMIT_REACHED
}
