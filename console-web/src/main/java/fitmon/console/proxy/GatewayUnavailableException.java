package fitmon.console.proxy;

/** The gateway could not be reached, or did not answer in time. */
public class GatewayUnavailableException extends RuntimeException {

    private final boolean timeout;

    public GatewayUnavailableException(boolean timeout, String message) {
        super(message);
        this.timeout = timeout;
    }

    public boolean timeout() {
        return timeout;
    }
}
