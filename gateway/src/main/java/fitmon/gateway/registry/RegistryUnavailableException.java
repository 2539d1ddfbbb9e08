package fitmon.gateway.registry;

/** The registry could not be reached or answered something the gateway cannot use. */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
