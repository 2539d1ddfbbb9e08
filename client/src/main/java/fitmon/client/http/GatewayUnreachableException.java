package fitmon.client.http;

/** No HTTP answer at all: connection refused, unknown host, timeout, connection lost mid-call. */
public final class GatewayUnreachableException extends FitmonClientException {

    private final String gatewayUrl;

    public GatewayUnreachableException(String gatewayUrl, Throwable cause) {
        super("cannot reach gateway at " + gatewayUrl + ": " + describe(cause), cause);
        this.gatewayUrl = gatewayUrl;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    /** The outermost exception that explains itself; java.net.http often wraps one with a bare one. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "no answer";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + " (" + t.getMessage() + ")";
            }
        }
        return cause.getClass().getSimpleName();
    }
}
