package fitmon.gateway.ordering;

/** The gateway is not connected to the replica group yet (or any more). */
public class OrderingUnavailableException extends RuntimeException {

    public OrderingUnavailableException(String message) {
        super(message);
    }
}
