package fitmon.gateway.auth.nonce;

import java.time.Duration;
import java.util.Objects;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Nonces in Redis, shared by every gateway that points at the same server: one key
 * {@code fitmon:nonce:<keyId>:<nonce>} per nonce, set with {@code SET NX PX ttl}, so the first
 * gateway to claim it wins and Redis forgets it when the ttl ends.
 *
 * <p>Any failure to get a definite answer from Redis throws {@link NonceStoreUnavailableException};
 * it is never read as "the nonce is new".
 */
public final class RedisNonceStore implements NonceStore {

    public static final String DEFAULT_PREFIX = "fitmon:nonce:";

    private final StringRedisTemplate redis;
    private final String prefix;

    public RedisNonceStore(StringRedisTemplate redis) {
        this(redis, DEFAULT_PREFIX);
    }

    /** @param prefix prepended to every key, e.g. to keep separate deployments apart on one server */
    public RedisNonceStore(StringRedisTemplate redis, String prefix) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public boolean claim(String keyId, String nonce, Duration ttl) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        // Redis expiries have millisecond resolution; never round a positive ttl down to "no expiry"
        Duration expiry = ttl.toMillis() == 0 ? Duration.ofMillis(1) : ttl;
        Boolean set;
        try {
            set = redis.opsForValue().setIfAbsent(key(keyId, nonce), "1", expiry);
        } catch (RuntimeException e) {
            throw new NonceStoreUnavailableException("Redis nonce store did not answer: " + e.getMessage(), e);
        }
        if (set == null) {
            // only inside a pipeline or transaction, which this store never opens
            throw new NonceStoreUnavailableException("Redis nonce store gave no answer to SET NX", null);
        }
        return set;
    }

    /** The key id is escaped so that a ':' in it cannot make two (keyId, nonce) pairs share a key. */
    String key(String keyId, String nonce) {
        return prefix + keyId.replace("%", "%25").replace(":", "%3A") + ':' + nonce;
    }
}
