package fitmon.gateway.auth.nonce;

/**
 * One API key holds as many nonces as one key may, so that no key can fill the store for the
 * others. The nonce was not recorded; the caller should answer "too many requests".
 */
public class NonceQuotaExceededException extends RuntimeException {

    public NonceQuotaExceededException(String keyId, int quota) {
        super("API key '" + keyId + "' holds its quota of " + quota + " unexpired nonces; slow down and retry shortly");
    }
}
