package fitmon.replication.bftsmart;

/** Where a hosted replica is in its life. */
public enum ReplicaState {
    /** Not started yet. */
    STARTING,
    /** The library is connecting to its peers; nothing can be ordered before all n were up once. */
    WAITING_FOR_PEERS,
    /** The replica has executed an ordered command or installed a state: the group orders. */
    READY,
    /** Closed, or failed to start. */
    STOPPED
}
