package fitmon.gateway.auth.nonce;

import java.time.Duration;

/**
 * Remembers the {@code X-Nonce} values each API key has used, so a captured request cannot be
 * replayed while its timestamp is still accepted.
 */
public interface NonceStore {

    /**
     * Records the nonce; true when it was not seen within ttl (first use), false for a replay.
     *
     * @throws NonceQuotaExceededException   this key already holds its quota of nonces (the
     *                                        nonce was not recorded)
     * @throws NonceStoreFullException        the store cannot remember one more nonce without
     *                                        forgetting a live one
     * @throws NonceStoreUnavailableException the store cannot be reached or did not answer
     */
    boolean claim(String keyId, String nonce, Duration ttl);
}
