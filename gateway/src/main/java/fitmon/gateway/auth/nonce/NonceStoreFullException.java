package fitmon.gateway.auth.nonce;

/**
 * The store holds as many unexpired nonces as it may; it refuses the new one rather than forget a
 * live one, which would let that request be replayed. The caller should answer "retry later".
 */
public class NonceStoreFullException extends RuntimeException {

    public NonceStoreFullException(int capacity) {
        super("nonce store is full: " + capacity + " unexpired nonces are remembered and none may be dropped "
                + "before its ttl ends; refusing the request instead (raise the capacity or lower the request rate)");
    }
}
