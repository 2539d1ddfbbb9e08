package fitmon.registry.apikey;

/** A stored secret cannot be decrypted with the configured master key. */
public class MasterKeyMismatchException extends IllegalStateException {

    public MasterKeyMismatchException(String message) {
        super(message);
    }
}
