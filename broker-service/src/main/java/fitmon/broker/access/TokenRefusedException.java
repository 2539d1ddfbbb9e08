package fitmon.broker.access;

/** A console token that does not let its bearer in; {@link #expired()} tells an old token from a bad one. */
public final class TokenRefusedException extends Exception {

    private final boolean expired;

    TokenRefusedException(String message, boolean expired) {
        super(message);
        this.expired = expired;
    }

    public boolean expired() {
        return expired;
    }
}
