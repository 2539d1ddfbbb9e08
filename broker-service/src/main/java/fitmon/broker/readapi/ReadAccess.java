package fitmon.broker.readapi;

import static fitmon.broker.problem.ReplicaProblems.problem;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import fitmon.broker.access.ConsoleIdentity;
import fitmon.broker.access.ConsoleTokens;
import fitmon.broker.access.TokenRefusedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Who may read channels on this replica: the bearer of a console token ({@code Authorization:
 * Bearer}), for the channels its {@code subscribe} patterns match. The same tokens open {@code /ws},
 * so the read API gives away nothing a console could not subscribe to.
 *
 * <p>Tokens that verified are remembered (at most {@value #MAX_REMEMBERED}, until they expire), so
 * a gateway reading with one token pays one signature check, not one per request. Only verified
 * tokens are remembered: refused ones cannot fill the memory.
 */
@Component
class ReadAccess {

    static final int MAX_REMEMBERED = 1024;

    private static final String CHALLENGE = "Bearer realm=\"fitmon-replica\"";

    private final ConsoleTokens tokens;
    private final Map<String, ConsoleIdentity> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConsoleIdentity> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    ReadAccess(ConsoleTokens tokens) {
        this.tokens = tokens;
    }

    /** The identity an {@code Authorization} header proves, or a 401 problem. */
    ConsoleIdentity require(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("UNAUTHENTICATED", "the read API needs 'Authorization: Bearer TOKEN' with a console "
                    + "token (POST /api/v1/tokens on the gateway), the same token as for /ws");
        }
        String token = authorization.substring(7).trim();
        ConsoleIdentity identity = remembered(token);
        if (identity != null) {
            return identity;
        }
        try {
            identity = tokens.verify(token, "the read API needs");
        } catch (TokenRefusedException e) {
            if (e.unavailable()) {
                // not the caller's fault: its token may be good (a 401 would make a reader discard it)
                ErrorResponseException busy = problem(HttpStatus.SERVICE_UNAVAILABLE, "TOKEN_KEYS_UNAVAILABLE",
                        "Service Unavailable", e.getMessage() + "; retry shortly");
                busy.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
                throw busy;
            }
            throw unauthenticated(e.expired() ? "TOKEN_EXPIRED" : "UNAUTHENTICATED", e.getMessage());
        }
        synchronized (remembered) {
            remembered.put(token, identity);
        }
        return identity;
    }

    /** A 403 problem unless the identity may read the channel (whether it exists is not told). */
    static void requireChannel(ConsoleIdentity identity, String tag) {
        if (!identity.maySubscribe(tag)) {
            throw problem(HttpStatus.FORBIDDEN, "FORBIDDEN", "Forbidden", "the console token of '"
                    + identity.subject() + "' does not allow channel '" + tag + "'");
        }
    }

    private ConsoleIdentity remembered(String token) {
        synchronized (remembered) {
            ConsoleIdentity identity = remembered.get(token);
            if (identity != null && !Instant.now().isBefore(identity.expiresAt())) {
                remembered.remove(token);
                return null;
            }
            return identity;
        }
    }

    private static ErrorResponseException unauthenticated(String code, String detail) {
        ErrorResponseException refusal = problem(HttpStatus.UNAUTHORIZED, code,
                code.equals("TOKEN_EXPIRED") ? "Token expired" : "Unauthenticated", detail);
        refusal.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        return refusal;
    }

    /** For tests: how many verified tokens are remembered. */
    int rememberedCount() {
        synchronized (remembered) {
            return remembered.size();
        }
    }
}
