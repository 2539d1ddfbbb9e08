package fitmon.broker.state;

public enum RemovalCause {
    DELETED,
    /** No event for longer than the channel's idle timeout, in consensus time. */
    EXPIRED
}
