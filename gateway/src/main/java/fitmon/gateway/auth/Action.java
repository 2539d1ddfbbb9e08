package fitmon.gateway.auth;

/** What a permission allows on the channels its pattern matches. */
public enum Action {
    /** register probes and publish events */
    PUBLISH,
    /** subscribe and read */
    SUBSCRIBE,
    /** create and delete channels; administer principals (principals of kind ADMIN) */
    ADMIN
}
