package fitmon.gateway.admission;

import java.time.Duration;
import java.util.Objects;

/** Too many requests already wait for a slot; the new one is refused at once. */
public class OverloadedException extends RuntimeException {

    private final Duration retryAfter;

    public OverloadedException(int queued, Duration retryAfter) {
        this(queued + " requests already wait for a slot; retry after " + retryAfter.toSeconds() + " s", retryAfter);
    }

    public OverloadedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** When a retry has a fair chance to be admitted; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
