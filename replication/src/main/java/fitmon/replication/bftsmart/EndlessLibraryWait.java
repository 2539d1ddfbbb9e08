package fitmon.replication.bftsmart;

import java.util.Set;

/**
 * Places in the library where its message thread waits for something only it could bring.
 *
 * <p>{@code Decision.getDeserializedValue} (and {@code getValue}) loop until the decided epoch holds
 * the proposed batch. A replica can decide an instance from 2f+1 ACCEPTs without ever having read
 * its PROPOSE (dropped from a full receive queue, for one): then the batch could only arrive as a
 * later message, which the same thread would have to read, and it spins there forever (its
 * inner wait returns at once once an epoch is set). Seen in a 30-minute soak on an overloaded
 * machine: replica 3 sat there for the last 8 minutes of the run, its receive queue full, while
 * the others ordered on.
 */
final class EndlessLibraryWait {

    private static final String DECISION = "bftsmart.consensus.Decision";
    private static final Set<String> WAITS = Set.of("getDeserializedValue", "getValue", "waitForPropose");
    /** How deep in the stack the wait may be: below it only sleep and the loop itself. */
    private static final int TOP_FRAMES = 4;

    private EndlessLibraryWait() {
    }

    /** The frame of the endless wait the thread is in, or null if it is in none of them. */
    static StackTraceElement in(StackTraceElement[] stack) {
        for (int i = 0; i < Math.min(TOP_FRAMES, stack.length); i++) {
            StackTraceElement frame = stack[i];
            if (DECISION.equals(frame.getClassName()) && WAITS.contains(frame.getMethodName())) {
                return frame;
            }
        }
        return null;
    }
}
