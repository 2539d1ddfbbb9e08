package fitmon.broker.lab;

import java.time.Duration;
import java.util.Objects;

/**
 * A replica's current misbehaviour.
 *
 * @param mode  what it does wrong
 * @param delay for {@link Misbehaviour#DELAY}: how late each delivery goes out (zero otherwise)
 */
public record LabSetting(Misbehaviour mode, Duration delay) {

    /** A delay above this would only look like a dead replica, which {@code fitmon lab pause} does better. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(5);
    static final Duration DEFAULT_DELAY = Duration.ofSeconds(2);
    // after the durations: the constructor reads them
    public static final LabSetting HONEST = new LabSetting(Misbehaviour.HONEST, Duration.ZERO);

    public LabSetting {
        Objects.requireNonNull(mode, "mode");
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("the delay must be between 0 and " + MAX_DELAY.toMinutes()
                    + " minutes, got " + delay.toMillis() + " ms");
        }
        if (mode == Misbehaviour.DELAY && delay.isZero()) {
            delay = DEFAULT_DELAY;
        }
        if (mode != Misbehaviour.DELAY) {
            delay = Duration.ZERO;
        }
    }

    public boolean is(Misbehaviour m) {
        return mode == m;
    }
}
