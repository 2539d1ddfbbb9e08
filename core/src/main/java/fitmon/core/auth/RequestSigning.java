package fitmon.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC request signature every REST call to the gateway carries.
 *
 * <pre>
 * signingKey    = HMAC-SHA256(key = UTF-8(secret), "fitmon-request-signing-v1")
 * stringToSign  = METHOD "\n" PATH[?QUERY] "\n" X-Timestamp "\n" X-Nonce "\n" hex(SHA-256(body))
 * X-Signature   = hex(HMAC-SHA256(signingKey, stringToSign))
 * </pre>
 *
 * The API key's secret is shown once and never stored; the registry keeps only its hash and the
 * derived signing key (encrypted), so a database leak does not reveal secrets. X-Timestamp is Unix
 * time in seconds; hex is lowercase. The path is the request path exactly as sent (still
 * percent-encoded), with the query string if there is one.
 */
public final class RequestSigning {

    public static final String HEADER_API_KEY = "X-Api-Key";
    public static final String HEADER_TIMESTAMP = "X-Timestamp";
    public static final String HEADER_NONCE = "X-Nonce";
    public static final String HEADER_SIGNATURE = "X-Signature";

    private static final byte[] DERIVATION_LABEL = "fitmon-request-signing-v1".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();

    private RequestSigning() {
    }

    /** The HMAC key derived from an API key's secret. */
    public static byte[] signingKey(String secret) {
        return hmac(secret.getBytes(StandardCharsets.UTF_8), DERIVATION_LABEL);
    }

    public static String stringToSign(String method, String pathAndQuery, String timestamp, String nonce, byte[] body) {
        return method + "\n" + pathAndQuery + "\n" + timestamp + "\n" + nonce + "\n" + bodyDigest(body);
    }

    /** Lowercase hex SHA-256 of the body; an absent body is the empty string. */
    public static String bodyDigest(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String sign(byte[] signingKey, String method, String pathAndQuery, String timestamp, String nonce,
                              byte[] body) {
        return HEX.formatHex(hmac(signingKey,
                stringToSign(method, pathAndQuery, timestamp, nonce, body).getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of a presented signature with the expected one. */
    public static boolean verify(byte[] signingKey, String method, String pathAndQuery, String timestamp, String nonce,
                                 byte[] body, String presentedSignature) {
        if (presentedSignature == null) {
            return false;
        }
        String expected = sign(signingKey, method, pathAndQuery, timestamp, nonce, body);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presentedSignature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
