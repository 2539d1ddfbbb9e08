package fitmon.broker.access;

/**
 * A console token that does not let its bearer in: {@link #expired()} tells an old token from a bad
 * one, {@link #unavailable()} a token that could not be checked at all (the registry's keys out of
 * reach) from one that was checked and refused.
 */
public final class TokenRefusedException extends Exception {

    private final boolean expired;
    private final boolean unavailable;

    TokenRefusedException(String message, boolean expired) {
        this(message, expired, false);
    }

    private TokenRefusedException(String message, boolean expired, boolean unavailable) {
        super(message);
        this.expired = expired;
        this.unavailable = unavailable;
    }

    static TokenRefusedException unchecked(String message) {
        return new TokenRefusedException(message, false, true);
    }

    public boolean expired() {
        return expired;
    }

    public boolean unavailable() {
        return unavailable;
    }
}
