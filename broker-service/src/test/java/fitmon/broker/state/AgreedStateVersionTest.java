package fitmon.broker.state;

import static fitmon.broker.state.RandomCommandStream.CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import fitmon.broker.state.RandomCommandStream.Generated;
import fitmon.broker.state.RandomCommandStream.Step;
import org.junit.jupiter.api.Test;

/**
 * The read API caches the digest for as long as {@link BrokerStateMachine#agreedStateVersion()}
 * stays the same: over a random stream of every kind of command, the snapshot never changes
 * without the version growing, and every ordered command and restore makes it grow.
 */
class AgreedStateVersionTest {

    @Test
    void theSnapshotNeverChangesWhileTheVersionStaysTheSame() {
        Generated stream = RandomCommandStream.generate(1313, 600, 600);
        BrokerStateMachine sm = new BrokerStateMachine(CONFIG);
        int unordered = 0;
        for (Step step : stream.steps()) {
            long version = sm.agreedStateVersion();
            byte[] snapshot = sm.snapshot();
            if (step.ordered()) {
                sm.applyOrdered(step.command(), step.consensusMillis());
                assertThat(sm.agreedStateVersion()).isGreaterThan(version);
            } else {
                sm.applyUnordered(step.command());
                unordered++;
                if (sm.agreedStateVersion() == version) {
                    assertThat(Arrays.equals(sm.snapshot(), snapshot)).as("snapshot unchanged at the same version").isTrue();
                }
            }
        }
        assertThat(unordered).as("unordered commands in the stream").isPositive();

        long before = sm.agreedStateVersion();
        sm.restore(sm.snapshot());
        assertThat(sm.agreedStateVersion()).isGreaterThan(before);
    }
}
