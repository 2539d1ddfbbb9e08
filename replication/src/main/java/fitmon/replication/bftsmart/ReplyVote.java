package fitmon.replication.bftsmart;

import java.util.Arrays;

/**
 * The vote over one request's replies: decided once {@code quorum} replicas sent byte-identical
 * replies, counting each replica's first reply only.
 *
 * <p>Why the first: the library can order one request twice. A replica that decided a consensus
 * during a leader change without ever seeing its proposal (the new leader hands the value over
 * unchecked) has not recorded the client's sequence, so it accepts the same request again when it
 * is relayed in a STOP, and the others accept it in the next proposal because they "already have"
 * it. Every correct replica then executes it twice, in the same order, and answers twice: first
 * with the real outcome, then with the state machine's refusal of a replayed nonce. Counting the
 * later reply would let f+1 refusals decide a command that took effect (seen once in a test
 * suite: a channel created, the caller told {@code COMMAND_REPLAYED}). A correct replica's first
 * reply is always its first execution's outcome: it sends replies in execution order over one
 * connection.
 */
final class ReplyVote {

    private final byte[][] firstReplies;
    private final int quorum;

    ReplyVote(int replicas, int quorum) {
        if (quorum < 1 || quorum > replicas) {
            throw new IllegalArgumentException("quorum " + quorum + " of " + replicas + " replicas");
        }
        this.firstReplies = new byte[replicas][];
        this.quorum = quorum;
    }

    /**
     * Records a replica's reply; a replica's later replies for the same request are ignored.
     *
     * @return the decided reply when this one completes a quorum of identical first replies, else null
     */
    byte[] offer(int sender, byte[] content) {
        if (sender < 0 || sender >= firstReplies.length || content == null || firstReplies[sender] != null) {
            return null;
        }
        firstReplies[sender] = content;
        int matching = 0;
        for (byte[] other : firstReplies) {
            if (other != null && Arrays.equals(other, content)) {
                matching++;
            }
        }
        return matching >= quorum ? content : null;
    }

    /** Forgets every reply: the library re-sends the request after a reconfiguration. */
    void reset() {
        Arrays.fill(firstReplies, null);
    }
}
