package fitmon.client.http;

import java.time.Duration;

/**
 * The gateway answered with an RFC 9457 problem: its HTTP status, the stable {@code code}, the
 * title and the detail. An error answer that is not problem JSON (a proxy's page, say) gets the code
 * {@code HTTP_<status>} and the start of its body as detail.
 */
public final class GatewayProblemException extends FitmonClientException {

    private final int status;
    private final String code;
    private final String title;
    private final String detail;
    private final Duration retryAfter;

    public GatewayProblemException(int status, String code, String title, String detail, Duration retryAfter) {
        super(code + ": " + detail + " (HTTP " + status + ")", null);
        this.status = status;
        this.code = code;
        this.title = title;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** What the gateway's {@code Retry-After} asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** 401 or 403: the key, its signature or the principal's rights were refused. */
    public boolean isAuthentication() {
        return status == 401 || status == 403;
    }

    /** 5xx: the gateway or what is behind it could not serve the call; the caller did nothing wrong. */
    public boolean isUnavailable() {
        return status >= 500;
    }
}
