package fitmon.client.local;

import java.io.IOException;

/** A lab request that could not be done; {@link #kind()} says whether the suite is not running or refused it. */
public final class LabException extends IOException {

    /** Why a lab request failed. */
    public enum Kind {
        /** No suite runs with that data directory, or it does not answer. */
        NOT_RUNNING,
        /** The suite answered and refused: unknown service, wrong state, failed action, stopping. */
        REFUSED
    }

    private final Kind kind;

    public LabException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
