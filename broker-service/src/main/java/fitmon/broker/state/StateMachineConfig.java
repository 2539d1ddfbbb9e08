package fitmon.broker.state;

import java.security.PublicKey;

/**
 * Settings that shape the state machine's decisions. They must be identical on every replica of
 * a group, or replicas diverge; the replica shell takes them from the group's shared configuration.
 *
 * @param caPublicKey       the fitmon CA key that certifies probe keys; null refuses every registration
 * @param maxEventBytes     largest accepted envelope (JSON bytes as published)
 * @param maxBatchEvents    most events in one publish
 * @param maxChannels       most channels at once
 * @param maxRetainedEvents upper bound for any channel's retention by count
 * @param maxRetainedBytes  upper bound for any channel's retention by bytes
 * @param requireSignedCommands accept only commands signed by a gateway certified by the CA
 *                          ({@link fitmon.core.command.SignedCommand}); off, bare commands are accepted
 * @param maxRevokedCertificates most unexpired certificates in the revoked set (expired ones are pruned:
 *                          an expired certificate is refused anyway); past it a revocation is refused
 * @param maxTotalRetainedBytes envelope bytes all ordered channel logs hold together, and again all
 *                          unordered ones on each replica ({@link RetentionBudget}): what keeps many
 *                          channels from taking more heap than a replica has
 */
public record StateMachineConfig(PublicKey caPublicKey, int maxEventBytes, int maxBatchEvents, int maxChannels,
                                 int maxRetainedEvents, long maxRetainedBytes, boolean requireSignedCommands,
                                 int maxRevokedCertificates, long maxTotalRetainedBytes) {

    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_BATCH_EVENTS = 1000;
    public static final int DEFAULT_MAX_CHANNELS = 10_000;
    public static final int DEFAULT_MAX_RETAINED_EVENTS = 1_000_000;
    public static final long DEFAULT_MAX_RETAINED_BYTES = 1L << 30;
    /**
     * 10,000 unexpired revocations at once: far more than a fleet revokes within a certificate's
     * lifetime (a year for probes, 30 days for gateways), and at most about 3 MB of snapshot.
     */
    public static final int DEFAULT_MAX_REVOKED_CERTIFICATES = 10_000;
    /**
     * 64 MiB of envelopes for the ordered logs together, and as much for the unordered ones: with
     * per-event overhead, the snapshot the library keeps and the one it builds at a checkpoint, about
     * 350 MB of heap at most, which the shipped 512 MB replicas have. Raise it with the heap.
     */
    public static final long DEFAULT_MAX_TOTAL_RETAINED_BYTES = 64L << 20;

    public StateMachineConfig {
        if (maxEventBytes < 256 || maxBatchEvents < 1 || maxChannels < 1 || maxRetainedEvents < 1 || maxRetainedBytes < 1024
                || maxRevokedCertificates < 1 || maxTotalRetainedBytes < maxEventBytes) {
            throw new IllegalArgumentException("state machine limits out of range: maxEventBytes >= 256, "
                    + "maxBatchEvents >= 1, maxChannels >= 1, maxRetainedEvents >= 1, maxRetainedBytes >= 1024, "
                    + "maxRevokedCertificates >= 1, maxTotalRetainedBytes >= maxEventBytes");
        }
    }

    /** The default bound on revoked certificates. */
    public StateMachineConfig(PublicKey caPublicKey, int maxEventBytes, int maxBatchEvents, int maxChannels,
                              int maxRetainedEvents, long maxRetainedBytes, boolean requireSignedCommands) {
        this(caPublicKey, maxEventBytes, maxBatchEvents, maxChannels, maxRetainedEvents, maxRetainedBytes,
                requireSignedCommands, DEFAULT_MAX_REVOKED_CERTIFICATES, DEFAULT_MAX_TOTAL_RETAINED_BYTES);
    }

    /** Bare commands accepted: for embedding and tests of the state machine alone. */
    public StateMachineConfig(PublicKey caPublicKey, int maxEventBytes, int maxBatchEvents, int maxChannels,
                              int maxRetainedEvents, long maxRetainedBytes) {
        this(caPublicKey, maxEventBytes, maxBatchEvents, maxChannels, maxRetainedEvents, maxRetainedBytes, false);
    }

    public StateMachineConfig withSignedCommands(boolean required) {
        return new StateMachineConfig(caPublicKey, maxEventBytes, maxBatchEvents, maxChannels, maxRetainedEvents,
                maxRetainedBytes, required, maxRevokedCertificates, maxTotalRetainedBytes);
    }

    public StateMachineConfig withMaxRevokedCertificates(int max) {
        return new StateMachineConfig(caPublicKey, maxEventBytes, maxBatchEvents, maxChannels, maxRetainedEvents,
                maxRetainedBytes, requireSignedCommands, max, maxTotalRetainedBytes);
    }

    public StateMachineConfig withMaxTotalRetainedBytes(long max) {
        return new StateMachineConfig(caPublicKey, maxEventBytes, maxBatchEvents, maxChannels, maxRetainedEvents,
                maxRetainedBytes, requireSignedCommands, maxRevokedCertificates, max);
    }

    public static StateMachineConfig defaults(PublicKey caPublicKey) {
        return new StateMachineConfig(caPublicKey, DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_BATCH_EVENTS,
                DEFAULT_MAX_CHANNELS, DEFAULT_MAX_RETAINED_EVENTS, DEFAULT_MAX_RETAINED_BYTES);
    }
}
