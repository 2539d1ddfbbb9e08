package fitmon.replication;

/** Fewer than f+1 replicas returned matching replies in time; the command may or may not have been ordered. */
public class OrderingTimeoutException extends RuntimeException {

    public OrderingTimeoutException(String message) {
        super(message);
    }
}
