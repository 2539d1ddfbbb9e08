package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ReplyVoteTest {

    private static final byte[] CREATED = "created".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLAYED = "COMMAND_REPLAYED".getBytes(StandardCharsets.UTF_8);

    @Test
    void decidesWhenTwoReplicasSentTheSameReply() {
        ReplyVote vote = new ReplyVote(4, 2);

        assertThat(vote.offer(0, CREATED)).isNull();
        assertThat(vote.offer(2, CREATED.clone())).isEqualTo(CREATED);
    }

    @Test
    void differentRepliesDoNotDecide() {
        ReplyVote vote = new ReplyVote(4, 2);

        assertThat(vote.offer(0, CREATED)).isNull();
        assertThat(vote.offer(1, REPLAYED)).isNull();
    }

    /**
     * The library ordered the request twice: every replica answers its first execution, then the
     * refusal of the replayed nonce, and the replies of different replicas interleave.
     */
    @Test
    void aRequestOrderedTwiceIsDecidedByTheFirstExecutionsReplies() {
        ReplyVote vote = new ReplyVote(4, 2);

        assertThat(vote.offer(0, CREATED)).isNull();
        assertThat(vote.offer(0, REPLAYED)).isNull();
        assertThat(vote.offer(1, REPLAYED)).isNull();
        assertThat(vote.offer(1, REPLAYED)).isNull();
        assertThat(vote.offer(2, CREATED)).isEqualTo(CREATED);
    }

    @Test
    void aReplicaRepeatingItsReplyCountsOnce() {
        ReplyVote vote = new ReplyVote(4, 2);

        assertThat(vote.offer(3, CREATED)).isNull();
        assertThat(vote.offer(3, CREATED)).isNull();
    }

    @Test
    void resetForgetsEarlierReplies() {
        ReplyVote vote = new ReplyVote(4, 2);
        vote.offer(0, REPLAYED);

        vote.reset();

        assertThat(vote.offer(0, CREATED)).isNull();
        assertThat(vote.offer(1, CREATED)).isEqualTo(CREATED);
    }

    @Test
    void ignoresSendersOutsideTheGroupAndEmptyReplies() {
        ReplyVote vote = new ReplyVote(4, 2);

        assertThat(vote.offer(-1, CREATED)).isNull();
        assertThat(vote.offer(4, CREATED)).isNull();
        assertThat(vote.offer(0, null)).isNull();
        assertThat(vote.offer(1, CREATED)).isNull();
    }

    @Test
    void refusesAQuorumLargerThanTheGroup() {
        assertThatThrownBy(() -> new ReplyVote(4, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
