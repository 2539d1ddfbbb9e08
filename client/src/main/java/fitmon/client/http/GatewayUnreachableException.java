package fitmon.client.http;

/** No HTTP answer at all: connection refused, unknown host, timeout, connection lost mid-call. */
public final class GatewayUnreachableException extends FitmonClientException {

    private final String gatewayUrl;

    public GatewayUnreachableException(String gatewayUrl, Throwable cause) {
        super("cannot reach gateway at " + gatewayUrl + ": " + describe(cause), cause);
        this.gatewayUrl = gatewayUrl;
    }

    /** The TLS handshake failed: most often a gateway certificate of a CA this client does not trust. */
    static GatewayUnreachableException handshakeFailed(String gatewayUrl, javax.net.ssl.SSLException cause) {
        return new GatewayUnreachableException(gatewayUrl, "cannot reach gateway at " + gatewayUrl
                + " over TLS: " + describe(cause) + "; if its certificate is the fitmon CA's, trust that CA with "
                + "--ca-file FILE or FITMON_CA_FILE (./fitmon-local writes it to .fitmon-local/registry/ca.cert.pem)", cause);
    }

    private GatewayUnreachableException(String gatewayUrl, String message, Throwable cause) {
        super(message, cause);
        this.gatewayUrl = gatewayUrl;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    /** The outermost exception that explains itself; java.net.http often wraps one with a bare one. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "no answer";
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + " (" + t.getMessage() + ")";
            }
        }
        return cause.getClass().getSimpleName();
    }
}
