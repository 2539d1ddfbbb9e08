package fitmon.broker.delivery;

/** Why a STOMP session was ended; the code goes into the ERROR frame (docs/delivery.md). */
enum DeliveryError {
    BAD_FRAME,
    UNSUPPORTED_VERSION,
    UNAUTHENTICATED,
    TOKEN_EXPIRED,
    FORBIDDEN,
    NOT_SUBSCRIBED,
    CHANNEL_NOT_FOUND,
    INVALID_DESTINATION,
    INVALID_FROM_SEQ,
    DUPLICATE_SUBSCRIPTION,
    TOO_MANY_SUBSCRIPTIONS,
    TOO_MANY_SESSIONS,
    TOO_MANY_PENDING_CONNECTS,
    SLOW_CONSUMER,
    CONTROL_QUEUE_FULL,
    CONNECT_TIMEOUT;

    /** Endings an outsider can cause by the thousand without a token: logged at debug, counted always. */
    boolean unauthenticatedCrowd() {
        return this == CONNECT_TIMEOUT || this == TOO_MANY_PENDING_CONNECTS;
    }
}
