package fitmon.client.cli;

/** The exit codes of the {@code fitmon} command; the README lists them too. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** A bug or an unexpected local failure; the message says what. */
    public static final int INTERNAL = 1;
    /** Bad arguments or options, missing settings, unreadable or invalid local files. */
    public static final int USAGE = 2;
    /**
     * The gateway or the brokers refused the request, or at least one event; an enrollment was
     * rejected; the local suite refused a {@code fitmon lab} verb.
     */
    public static final int REFUSED = 3;
    /**
     * No answer from the gateway, or it stayed unavailable (5xx) through every retry; for
     * {@code fitmon lab}, no local suite running with that data directory.
     */
    public static final int UNREACHABLE = 4;
    /** Authentication or authorization refused (HTTP 401 or 403). */
    public static final int AUTH = 5;
    /** The enrollment is still waiting for an admin's approval. */
    public static final int PENDING = 6;

    private ExitCodes() {
    }
}
