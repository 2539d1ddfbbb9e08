package fitmon.gateway.admission;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The per-address permit a request took before authentication ({@link ClientRateLimitFilter}),
 * given back the moment its signature verifies, not when the request completes: a published
 * request may wait for ordering for a while, and an address with many authenticated requests in
 * flight (a NAT, the console's proxy) must not run out of permits because of them.
 */
public final class ClientPermit {

    private static final String ATTRIBUTE = ClientPermit.class.getName();

    private final TokenBucketLimiter limiter;
    private final String client;
    private final AtomicBoolean released = new AtomicBoolean();

    private ClientPermit(TokenBucketLimiter limiter, String client) {
        this.limiter = limiter;
        this.client = client;
    }

    static void attach(HttpServletRequest request, TokenBucketLimiter limiter, String client) {
        request.setAttribute(ATTRIBUTE, new ClientPermit(limiter, client));
    }

    /** Gives back the permit of this request, once; nothing if it took none. */
    public static void release(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof ClientPermit permit && permit.released.compareAndSet(false, true)) {
            permit.limiter.refund(permit.client);
        }
    }
}
