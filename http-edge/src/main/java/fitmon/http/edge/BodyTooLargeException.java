package fitmon.http.edge;

import java.io.IOException;

/** A request body grew past its limit while it was being read; nothing beyond the limit was kept. */
public final class BodyTooLargeException extends IOException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body is larger than its limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
