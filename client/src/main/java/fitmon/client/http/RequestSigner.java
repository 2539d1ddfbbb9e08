package fitmon.client.http;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import fitmon.core.auth.RequestSigning;

/** The four authentication headers of one gateway request, as {@link RequestSigning} defines them. */
public final class RequestSigner {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKey key;
    private final byte[] signingKey;
    private final Clock clock;

    public RequestSigner(ApiKey key) {
        this(key, Clock.systemUTC());
    }

    RequestSigner(ApiKey key, Clock clock) {
        this.key = key;
        this.signingKey = RequestSigning.signingKey(key.secret());
        this.clock = clock;
    }

    public ApiKey key() {
        return key;
    }

    /** Headers for one attempt: the current time and a fresh nonce, so a retry is never a replay. */
    public Map<String, String> headers(String method, String pathAndQuery, byte[] body) {
        String timestamp = Long.toString(clock.millis() / 1000);
        String nonce = nonce();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(RequestSigning.HEADER_API_KEY, key.keyId());
        headers.put(RequestSigning.HEADER_TIMESTAMP, timestamp);
        headers.put(RequestSigning.HEADER_NONCE, nonce);
        headers.put(RequestSigning.HEADER_SIGNATURE,
                RequestSigning.sign(signingKey, method, pathAndQuery, timestamp, nonce, body));
        return headers;
    }

    private static String nonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
