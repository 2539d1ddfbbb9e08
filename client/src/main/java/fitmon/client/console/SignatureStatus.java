package fitmon.client.console;

/** What the console found checking a voted event's probe signature against the probe's certified key. */
public enum SignatureStatus {
    VERIFIED,
    /** The signature does not verify with the registered key. */
    INVALID,
    UNSIGNED,
    /** No key is registered for the probe on this channel (as the replicas agreed). */
    UNKNOWN_PROBE
}
