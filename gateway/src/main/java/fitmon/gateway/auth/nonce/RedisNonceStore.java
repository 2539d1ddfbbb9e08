package fitmon.gateway.auth.nonce;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Nonces in Redis, shared by every gateway that points at the same server: one key
 * {@code fitmon:nonce:<keyId>:<nonce>} per nonce, set with {@code SET NX PX ttl}, so the first
 * gateway to claim it wins and Redis forgets it when the ttl ends.
 *
 * <p>Bounded per key: a counter {@code fitmon:nonce:<keyId>} (no nonce part, so it cannot be taken
 * for a nonce) counts the nonces a key claimed since the counter was created, and expires one ttl
 * after that. A key that claimed {@code maxPerKey} within that window gets
 * {@link NonceQuotaExceededException} until it expires, so one key holds at most
 * {@code 2 × maxPerKey} live nonces and Redis memory is bounded by the number of keys the registry
 * issued. Replay check, count and record are one Lua script, atomic on the server.
 *
 * <p>Any failure to get a definite answer from Redis throws {@link NonceStoreUnavailableException};
 * it is never read as "the nonce is new".
 */
public final class RedisNonceStore implements NonceStore {

    public static final String DEFAULT_PREFIX = "fitmon:nonce:";
    public static final int DEFAULT_MAX_PER_KEY = 125_000;

    /** KEYS[1] the key's counter, KEYS[2] the nonce; ARGV[1] ttl in ms, ARGV[2] the quota. 1 new, 0 replay, -1 over quota. */
    private static final RedisScript<Long> CLAIM = RedisScript.of("""
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            local claimed = redis.call('INCR', KEYS[1])
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            if claimed > tonumber(ARGV[2]) then return -1 end
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final int maxPerKey;

    public RedisNonceStore(StringRedisTemplate redis) {
        this(redis, DEFAULT_PREFIX, DEFAULT_MAX_PER_KEY);
    }

    public RedisNonceStore(StringRedisTemplate redis, String prefix) {
        this(redis, prefix, DEFAULT_MAX_PER_KEY);
    }

    /**
     * @param prefix    prepended to every key, e.g. to keep separate deployments apart on one server
     * @param maxPerKey nonces one key may claim within one ttl
     */
    public RedisNonceStore(StringRedisTemplate redis, String prefix, int maxPerKey) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            // the key id is the keys' Redis Cluster hash tag; a brace in the prefix would take its place
            throw new IllegalArgumentException("the Redis nonce key prefix may not contain '{' or '}': " + prefix);
        }
        if (maxPerKey < 1) {
            throw new IllegalArgumentException("maxPerKey must be at least 1, got " + maxPerKey);
        }
        this.maxPerKey = maxPerKey;
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
        Long answer;
        try {
            answer = redis.execute(CLAIM, List.of(counterKey(keyId), key(keyId, nonce)),
                    Long.toString(expiry.toMillis()), Integer.toString(maxPerKey));
        } catch (RuntimeException e) {
            throw new NonceStoreUnavailableException("Redis nonce store did not answer: " + e.getMessage(), e);
        }
        if (answer == null) {
            // only inside a pipeline or transaction, which this store never opens
            throw new NonceStoreUnavailableException("Redis nonce store gave no answer to the claim script", null);
        }
        if (answer < 0) {
            throw new NonceQuotaExceededException(keyId, maxPerKey);
        }
        return answer == 1;
    }

    /**
     * The key's claim counter: the escaped key id has no ':', so this never equals a nonce's key.
     * The key id is a Redis Cluster hash tag ({@code {...}}): the counter and the key's nonces are in
     * one slot, as a script that touches both needs.
     */
    String counterKey(String keyId) {
        return prefix + '{' + escape(keyId) + '}';
    }

    /** The key id is escaped so that a ':' in it cannot make two (keyId, nonce) pairs share a key. */
    String key(String keyId, String nonce) {
        return counterKey(keyId) + ':' + nonce;
    }

    private static String escape(String keyId) {
        return keyId.replace("%", "%25").replace(":", "%3A").replace("{", "%7B").replace("}", "%7D");
    }
}
