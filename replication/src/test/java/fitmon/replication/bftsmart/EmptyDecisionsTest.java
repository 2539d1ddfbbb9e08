package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import org.junit.jupiter.api.Test;

/** The delivery queue leaves out decisions of empty batches and keeps every other one, in order. */
class EmptyDecisionsTest {

    @Test
    void anEmptyBatchIsLeftOutAndTheDecisionsAroundItAreKept() throws Exception {
        EmptyDecisions queue = new EmptyDecisions();

        queue.put(decided(7, 2));
        queue.put(decided(8, 0));
        queue.put(decided(9, 1));

        assertThat(queue).extracting(Decision::getConsensusId).containsExactly(7, 9);
        assertThat(queue.skipped()).isEqualTo(1);
    }

    /** A decision of consensus {@code cid} whose batch, as the proposal check read it, holds {@code requests} requests. */
    private static Decision decided(int cid, int requests) throws ReflectiveOperationException {
        Decision decision = new Decision(cid);
        TOMMessage[] batch = new TOMMessage[requests];
        for (int i = 0; i < requests; i++) {
            batch[i] = new TOMMessage(1001, 0, cid * 10 + i, 0, new byte[] {1}, 0, TOMMessageType.ORDERED_REQUEST);
        }
        // set as the library's proposal check sets it on the decided epoch, read back through the decision
        LibraryFields.field(Decision.class, "deserializedValue").set(decision, batch);
        return decision;
    }
}
