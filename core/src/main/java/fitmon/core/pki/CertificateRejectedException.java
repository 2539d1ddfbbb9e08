package fitmon.core.pki;

/** A probe certificate that cannot be accepted; {@link #reason()} says which check failed. */
public class CertificateRejectedException extends Exception {

    public enum Reason { MALFORMED, UNTRUSTED, NOT_YET_VALID, EXPIRED, NO_PROBE_ID, UNSUPPORTED_KEY }

    private final Reason reason;

    public CertificateRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
