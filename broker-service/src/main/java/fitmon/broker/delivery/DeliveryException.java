package fitmon.broker.delivery;

/** A refused STOMP frame: the session ends with an ERROR carrying this code and detail. */
final class DeliveryException extends Exception {

    private final DeliveryError error;

    DeliveryException(DeliveryError error, String detail) {
        super(detail, null, false, false);
        this.error = error;
    }

    DeliveryError error() {
        return error;
    }
}
