package fitmon.core.vote;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link Voter#offer} made of one copy.
 *
 * @param <V> the delivered value
 */
public sealed interface VoteOutcome<V>
        permits VoteOutcome.Pending, VoteOutcome.Released, VoteOutcome.AlreadyReleased {

    /**
     * Not enough identical copies yet.
     *
     * @param votes  copies so far with this copy's digest (its own included unless it was rejected)
     * @param copies copies so far for the key, from distinct replicas, whatever their digest
     */
    record Pending<V>(int votes, int copies) implements VoteOutcome<V> {
    }

    /**
     * This copy made its digest reach the threshold: show {@code value}. Returned once per key.
     *
     * @param value            the value of the first copy carrying the released digest
     * @param votes            identical copies at release
     * @param replicasAgreeing the replicas that sent them, ascending
     */
    record Released<V>(V value, int votes, Set<Integer> replicasAgreeing) implements VoteOutcome<V> {
        public Released {
            replicasAgreeing = Collections.unmodifiableSortedSet(
                    new TreeSet<>(Objects.requireNonNull(replicasAgreeing, "replicasAgreeing")));
        }
    }

    /**
     * The key was already released; this copy is not to be shown again.
     *
     * @param agrees whether this copy's digest equals the released one
     */
    record AlreadyReleased<V>(boolean agrees) implements VoteOutcome<V> {
    }
}
