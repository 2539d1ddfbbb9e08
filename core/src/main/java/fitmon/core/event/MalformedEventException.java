package fitmon.core.event;

/** An envelope that breaks the contract; the message says which member and why. */
public class MalformedEventException extends Exception {

    public MalformedEventException(String message) {
        super(message);
    }
}
