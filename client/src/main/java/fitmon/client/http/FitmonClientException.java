package fitmon.client.http;

/** A call to the gateway that did not succeed: refused ({@link GatewayProblemException}) or not answered. */
public abstract class FitmonClientException extends RuntimeException {

    protected FitmonClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
