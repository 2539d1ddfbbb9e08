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
    SLOW_CONSUMER,
    CONNECT_TIMEOUT
}
