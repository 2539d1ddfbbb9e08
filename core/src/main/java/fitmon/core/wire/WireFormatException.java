package fitmon.core.wire;

/** Bytes that do not decode: truncated, oversized, or of an unknown type or version. */
public class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }
}
