package fitmon.client.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the local suite does with a service that ended by itself (not stopped by {@code fitmon lab}
 * or the suite): start it again after a delay that doubles with each restart, as a process
 * supervisor would, at most {@code maxRestarts} times within {@code window}; past that it stays
 * down, so a service that cannot start does not loop for ever. A replica that fail-stops (its stall
 * watchdog, or out of memory) thus comes back and catches up by state transfer.
 *
 * @param maxRestarts 0: never restart
 */
public record RestartPolicy(int maxRestarts, Duration window, Duration firstDelay, Duration maxDelay) {

    public static final RestartPolicy NEVER = new RestartPolicy(0, Duration.ofMinutes(10), Duration.ZERO, Duration.ZERO);
    public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofMinutes(10), Duration.ofSeconds(2),
            Duration.ofSeconds(30));

    /** The restarts of one service within the window. */
    final class History {
        private final Deque<Long> restartsAtNanos = new ArrayDeque<>();

        /** The delay before the next restart, or null when the service has had its restarts for now. */
        Duration nextDelay(long nowNanos) {
            while (!restartsAtNanos.isEmpty() && nowNanos - restartsAtNanos.peekFirst() > window.toNanos()) {
                restartsAtNanos.removeFirst();
            }
            if (restartsAtNanos.size() >= maxRestarts) {
                return null;
            }
            Duration delay = firstDelay.multipliedBy(1L << Math.min(restartsAtNanos.size(), 20));
            return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
        }

        void restarted(long nowNanos) {
            restartsAtNanos.addLast(nowNanos);
        }

        int count() {
            return restartsAtNanos.size();
        }
    }

    History history() {
        return new History();
    }
}
