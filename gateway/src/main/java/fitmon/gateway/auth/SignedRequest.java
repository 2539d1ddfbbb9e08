package fitmon.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;

import fitmon.gateway.admission.ClientPermit;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The credentials of a signed request (the four headers) and the request they sign, as the
 * authentication provider needs them: its body is read only when asked for (after the key is
 * known, so an unknown key costs no body read), at most {@code maxBody} bytes.
 */
final class SignedRequest {

    private final HttpServletRequest request;
    private final long maxBody;
    private byte[] body;
    private boolean bodyRead;

    final String keyId;
    final String timestamp;
    final String nonce;
    final String signature;

    SignedRequest(HttpServletRequest request, String keyId, String timestamp, String nonce, String signature, long maxBody) {
        this.request = request;
        this.keyId = keyId;
        this.timestamp = timestamp;
        this.nonce = nonce;
        this.signature = signature;
        this.maxBody = maxBody;
    }

    String method() {
        return request.getMethod();
    }

    /** The path and query as sent: what the client signed. */
    String pathAndQuery() {
        return request.getQueryString() == null ? request.getRequestURI()
                : request.getRequestURI() + "?" + request.getQueryString();
    }

    /** The whole body, or null when it is longer than the limit. */
    byte[] body() {
        if (!bodyRead) {
            try {
                body = CachedBodyRequest.readBody(request, maxBody);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bodyRead = true;
        }
        return body;
    }

    long maxBody() {
        return maxBody;
    }

    /** The signature verified: the request's address no longer answers for it (its principal does). */
    void signatureVerified() {
        ClientPermit.release(request);
    }

    /** The request with its body readable again, for the handlers. */
    HttpServletRequest withBody() {
        return new CachedBodyRequest(request, body == null ? new byte[0] : body);
    }
}
