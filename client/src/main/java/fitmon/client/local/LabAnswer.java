package fitmon.client.local;

/**
 * What the running suite answers to one {@code fitmon lab} request: an HTTP-like status (200 done,
 * 404 no such service, 409 not in a state for that, 500 the action failed, 503 the suite is
 * stopping) and the text shown to the person who typed it.
 */
record LabAnswer(int status, String text) {

    static final int OK = 200;
    static final int UNKNOWN = 404;
    static final int CONFLICT = 409;
    static final int FAILED = 500;
    static final int STOPPING = 503;

    static LabAnswer ok(String text) {
        return new LabAnswer(OK, text);
    }
}
