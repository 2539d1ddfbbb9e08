package fitmon.core.vote;

import java.util.Objects;

/**
 * Evidence that a replica is faulty (or its stream is corrupted).
 *
 * @param replica the replica whose copy is at fault
 * @param key     the delivery concerned
 * @param kind    what is wrong with it
 */
public record Disagreement(int replica, VoteKey key, Kind kind) {

    public Disagreement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
    }

    public enum Kind {
        /** The replica's copy differs from the released one (sent before or after the release). */
        DIFFERENT_COPY,
        /** The replica sent two different digests for the same key; the second one is ignored. */
        EQUIVOCATION
    }
}
