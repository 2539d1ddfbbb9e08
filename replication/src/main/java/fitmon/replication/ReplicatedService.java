package fitmon.replication;

/**
 * What a replica hosts: a deterministic service over opaque command bytes. The replication engine
 * calls {@link #executeOrdered} in the same order with the same arguments on every correct replica;
 * implementations must not consult the wall clock, randomness or thread timing there.
 *
 * <p>Calls to {@link #executeOrdered} and {@link #restore} come one at a time from the engine
 * (its delivery or state-transfer thread); {@link #snapshot} may be called from another thread;
 * {@link #executeUnordered} and {@link #prepare} come from network I/O threads, concurrently with
 * ordered execution and with each other, so implementations synchronise themselves and keep
 * these two short (a slow one holds up the connection it arrived on).
 */
public interface ReplicatedService {

    /** Executes one totally ordered command and returns the reply sent to the client. */
    byte[] executeOrdered(byte[] command, OrderContext context);

    /**
     * Called when a request arrives, before it is ordered, possibly concurrently and more than
     * once for the same request: a chance to do expensive pure work ahead (verifying signatures)
     * off the execution thread. Must not change the ordered state.
     */
    default void prepare(byte[] command) {
    }

    /** Executes a command that bypassed ordering (each replica in its own arrival order). */
    byte[] executeUnordered(byte[] command);

    /** A self-contained image of the ordered state, for state transfer to lagging replicas. */
    byte[] snapshot();

    /** Replaces the ordered state by a snapshot taken on another replica. */
    void restore(byte[] snapshot);

    /**
     * The checkpoint this replica hands a peer that catches up by state transfer, given the one it
     * holds: that one, unchanged. Only a replica of the fault lab lies here, to show that the peer
     * refuses a state fewer than f+1 replicas vouch for.
     */
    default byte[] checkpointForPeer(byte[] checkpoint) {
        return checkpoint;
    }
}
