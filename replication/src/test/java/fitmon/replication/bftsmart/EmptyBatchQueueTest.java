package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import bftsmart.consensus.Decision;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import org.junit.jupiter.api.Test;

/** The queue hands empty batches over in decision order, never ahead of what was decided before them. */
class EmptyBatchQueueTest {

    private final List<Integer> placeholders = new ArrayList<>();
    private final EmptyBatchQueue queue = new EmptyBatchQueue(d -> placeholders.add(d.getConsensusId()));

    @Test
    void anEmptyBatchWaitsForTheDecisionsBeforeItAndGoesBeforeTheOnesAfterIt() throws Exception {
        queue.put(decided(1, 2));
        queue.put(decided(2, 0));
        queue.put(decided(3, 1));
        queue.put(decided(4, 0));
        queue.put(decided(5, 0));

        assertThat(drain()).containsExactly(1);
        assertThat(placeholders).isEmpty();

        assertThat(drain()).containsExactly(3);
        assertThat(placeholders).containsExactly(2);

        assertThat(drain()).isEmpty();
        assertThat(placeholders).containsExactly(2, 4, 5);
        assertThat(queue).isEmpty();
        assertThat(queue.emptyBatches()).isEqualTo(3);
    }

    @Test
    void aDrainTakesNoMoreThanAskedFor() throws Exception {
        queue.put(decided(1, 1));
        queue.put(decided(2, 1));
        List<Decision> taken = new ArrayList<>();
        assertThat(queue.drainTo(taken, 1)).isEqualTo(1);
        assertThat(taken).extracting(Decision::getConsensusId).containsExactly(1);
        assertThat(queue).hasSize(1);
    }

    private List<Integer> drain() {
        List<Decision> taken = new ArrayList<>();
        int count = queue.drainTo(taken);
        assertThat(count).isEqualTo(taken.size());
        return taken.stream().map(Decision::getConsensusId).toList();
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
