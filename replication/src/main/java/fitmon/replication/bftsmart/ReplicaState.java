package fitmon.replication.bftsmart;

/** Where a hosted replica is in its life. */
public enum ReplicaState {
    /** Not started yet. */
    STARTING,
    /** The library is connecting to its peers; nothing can be ordered before all n were up once. */
    WAITING_FOR_PEERS,
    /**
     * The replica joined its group: the library finished starting (it returns only once its state
     * manager has agreed the current consensus id with its peers, fetching their state if it was
     * behind), or the replica executed an ordered command or installed a snapshot.
     */
    READY,
    /** Closed, or failed to start. */
    STOPPED
}
