package fitmon.gateway.auth.nonce;

/**
 * The shared nonce store could not say whether a nonce is new. Never treated as "new": the
 * request is refused and may be retried.
 */
public class NonceStoreUnavailableException extends RuntimeException {

    public NonceStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
