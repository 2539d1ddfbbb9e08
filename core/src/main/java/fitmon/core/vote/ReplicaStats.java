package fitmon.core.vote;

import java.time.Instant;

/**
 * What one replica has sent so far, for a console to spot a faulty, lagging or silent replica.
 * Agreement is judged against released digests only: copies of keys that are still pending, or
 * were evicted before release, count as received but neither agreeing nor differing.
 *
 * @param copiesReceived  accepted copies (the first copy per key; duplicates and equivocations
 *                        not counted)
 * @param copiesAgreeing  copies equal to the released digest of their key
 * @param copiesDiffering copies different from the released digest of their key
 * @param equivocations   copies whose digest differed from the replica's first copy of that key
 * @param lastKey         key of the last copy received (duplicates included), null if none
 * @param lastSeen        when that copy arrived, null if none
 */
public record ReplicaStats(long copiesReceived, long copiesAgreeing, long copiesDiffering,
                           long equivocations, VoteKey lastKey, Instant lastSeen) {
}
