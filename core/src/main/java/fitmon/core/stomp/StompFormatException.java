package fitmon.core.stomp;

/** Bytes that are not a STOMP 1.2 frame; the message says what is wrong. */
public class StompFormatException extends Exception {

    public StompFormatException(String message) {
        super(message);
    }
}
