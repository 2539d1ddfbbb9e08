package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import org.junit.jupiter.api.Test;

/** What the delivery thread drains: every decision in order, an empty batch with one placeholder of no view. */
class EmptyBatchQueueTest {

    @Test
    void anEmptyBatchLeavesTheQueueInItsPlaceWithOnePlaceholderRequestOfNoView() throws Exception {
        EmptyBatchQueue queue = EmptyBatchQueue.forDecisions();
        Decision full = decided(1, 2);
        TOMMessage[] fullRequests = full.getDeserializedValue();
        queue.put(full);
        queue.put(decided(2, 0));
        queue.put(decided(3, 1));
        queue.put(decided(4, 0));

        List<Decision> taken = new ArrayList<>();
        assertThat(queue.drainTo(taken)).isEqualTo(4);
        assertThat(taken).extracting(Decision::getConsensusId).containsExactly(1, 2, 3, 4);
        assertThat(taken.get(0).getDeserializedValue()).isSameAs(fullRequests);
        assertThat(taken.get(2).getDeserializedValue()).hasSize(1);
        for (Decision empty : List.of(taken.get(1), taken.get(3))) {
            assertThat(empty.getDeserializedValue()).singleElement().satisfies(placeholder -> {
                assertThat(placeholder.getViewID()).isEqualTo(EmptyBatchQueue.NO_VIEW);
                assertThat(placeholder.getContent()).isEmpty();
                assertThat(placeholder.getSender()).isEqualTo(-1);
            });
        }
        assertThat(queue.emptyBatches()).isEqualTo(2);
        assertThat(queue).isEmpty();
    }

    @Test
    void aDrainTakesNoMoreThanAskedFor() throws Exception {
        EmptyBatchQueue queue = EmptyBatchQueue.forDecisions();
        queue.put(decided(1, 0));
        queue.put(decided(2, 1));
        List<Decision> taken = new ArrayList<>();
        assertThat(queue.drainTo(taken, 1)).isEqualTo(1);
        assertThat(taken).extracting(Decision::getConsensusId).containsExactly(1);
        assertThat(queue).hasSize(1);
        assertThat(queue.emptyBatches()).isEqualTo(1);
    }

    /** A decision whose batch was read already, as the library's delivery finds it. */
    private static Decision decided(int consensusId, int requests) throws ReflectiveOperationException {
        Decision decision = new Decision(consensusId);
        TOMMessage[] batch = new TOMMessage[requests];
        for (int i = 0; i < requests; i++) {
            batch[i] = new TOMMessage(1000, 0, i, 0, new byte[] {1}, 0, TOMMessageType.ORDERED_REQUEST);
        }
        LibraryFields.field(Decision.class, "deserializedValue").set(decision, batch);
        return decision;
    }
}
