package fitmon.gateway.auth.nonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Against the machine's Redis at 127.0.0.1:6379 (.ci/run starts it when absent). */
class RedisNonceStoreTest {

    private static final Duration TTL = Duration.ofMinutes(1);
    /** Keys of this run only, so runs and other users of the server cannot collide. */
    private static final String PREFIX = "fitmon-test:nonce:" + UUID.randomUUID() + ":";

    private static JedisConnectionFactory gatewayA;
    private static JedisConnectionFactory gatewayB;

    @BeforeAll
    static void connect() {
        gatewayA = connectionFactory(6379);
        gatewayB = connectionFactory(6379);
    }

    @AfterAll
    static void disconnect() {
        if (gatewayA != null) {
            StringRedisTemplate redis = new StringRedisTemplate(gatewayA);
            var keys = redis.keys(PREFIX + "*");
            if (keys != null && !keys.isEmpty()) {
                redis.delete(keys);
            }
            gatewayA.destroy();
        }
        if (gatewayB != null) {
            gatewayB.destroy();
        }
    }

    @Test
    void firstUseIsAcceptedAndReplayIsRefused() {
        RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX);
        String nonce = UUID.randomUUID().toString();

        assertThat(store.claim("key-1", nonce, TTL)).isTrue();
        assertThat(store.claim("key-1", nonce, TTL)).isFalse();
        assertThat(store.claim("key-2", nonce, TTL)).isTrue();
    }

    @Test
    void nonceIsForgottenAfterItsTtl() throws InterruptedException {
        RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX);
        String nonce = UUID.randomUUID().toString();
        assertThat(store.claim("key-1", nonce, Duration.ofSeconds(1))).isTrue();
        assertThat(store.claim("key-1", nonce, Duration.ofSeconds(1))).isFalse();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean acceptedAgain = false;
        while (!acceptedAgain && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            acceptedAgain = store.claim("key-1", nonce, Duration.ofSeconds(1));
        }
        assertThat(acceptedAgain).as("accepted again within 5 s of a 1 s ttl").isTrue();
    }

    @Test
    void twoGatewaysShareTheirNonces() {
        RedisNonceStore first = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX);
        RedisNonceStore second = new RedisNonceStore(new StringRedisTemplate(gatewayB), PREFIX);
        String nonce = UUID.randomUUID().toString();

        assertThat(first.claim("key-1", nonce, TTL)).isTrue();
        assertThat(second.claim("key-1", nonce, TTL)).isFalse();

        String other = UUID.randomUUID().toString();
        assertThat(second.claim("key-1", other, TTL)).isTrue();
        assertThat(first.claim("key-1", other, TTL)).isFalse();
    }

    @Test
    void defaultKeyLayoutCarriesTheTtl() {
        StringRedisTemplate redis = new StringRedisTemplate(gatewayA);
        RedisNonceStore store = new RedisNonceStore(redis);
        String keyId = "test-" + UUID.randomUUID();
        String nonce = UUID.randomUUID().toString();
        String key = "fitmon:nonce:{" + keyId + "}:" + nonce;
        try {
            assertThat(store.claim(keyId, nonce, TTL)).isTrue();

            assertThat(redis.opsForValue().get(key)).isEqualTo("1");
            assertThat(redis.getExpire(key)).isBetween(1L, TTL.toSeconds());
        } finally {
            redis.delete(key);
        }
    }

    @Test
    void colonInKeyIdCannotAliasAnotherKey() {
        RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX);
        String suffix = UUID.randomUUID().toString();

        assertThat(store.key("a:b", "c")).isEqualTo(PREFIX + "{a%3Ab}:c");
        assertThat(store.claim("a:" + suffix, "c", TTL)).isTrue();
        assertThat(store.claim("a", suffix + ":c", TTL)).isTrue();
    }

    /** The claim script touches a key's counter and its nonce: on Redis Cluster both must be in one slot. */
    @Test
    void aKeysCounterAndItsNoncesShareOneClusterSlot() {
        RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX);
        for (String keyId : List.of("fk_abcdefghijklmnopqrst", "a:b", "x{y}z", "%7B")) {
            int slot = ClusterSlotHashUtil.calculateSlot(store.counterKey(keyId));
            for (int i = 0; i < 20; i++) {
                assertThat(ClusterSlotHashUtil.calculateSlot(store.key(keyId, "nonce-" + i + "-" + UUID.randomUUID())))
                        .as("slot of a nonce of %s", keyId).isEqualTo(slot);
            }
        }
        assertThat(store.key("x{y}z", "n")).isNotEqualTo(store.key("x", "y}z:n"));
    }

    @Test
    void oneKeyClaimsAtMostItsQuotaPerTtlAndOtherKeysAreUnaffected() {
        RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(gatewayA), PREFIX, 3);
        String greedy = "greedy-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(store.claim(greedy, "n-" + i, TTL)).isTrue();
        }
        assertThatThrownBy(() -> store.claim(greedy, "n-3", TTL)).isInstanceOf(NonceQuotaExceededException.class);
        assertThat(store.claim(greedy, "n-0", TTL)).as("a replay is still a replay").isFalse();
        assertThat(store.claim("other-" + UUID.randomUUID(), "n-0", TTL)).isTrue();
        StringRedisTemplate redis = new StringRedisTemplate(gatewayA);
        assertThat(redis.keys(PREFIX + "{" + greedy + "}:*")).hasSize(3);
        assertThat(redis.getExpire(store.counterKey(greedy))).isBetween(1L, TTL.toSeconds());
    }

    @Test
    void unreachableRedisIsReportedNeverTakenForANewNonce() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        JedisConnectionFactory nowhere = connectionFactory(closedPort);
        try {
            RedisNonceStore store = new RedisNonceStore(new StringRedisTemplate(nowhere), PREFIX);
            long started = System.nanoTime();

            assertThatThrownBy(() -> store.claim("key-1", "n-1", TTL))
                    .isInstanceOf(NonceStoreUnavailableException.class)
                    .hasMessageContaining("Redis");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            nowhere.destroy();
        }
    }

    private static JedisConnectionFactory connectionFactory(int port) {
        // the gateway uses Jedis (Lettuce needs Netty 4.2; the ordering client is pinned to 4.1)
        JedisClientConfiguration client = JedisClientConfiguration.builder()
                .connectTimeout(Duration.ofMillis(500))
                .readTimeout(Duration.ofSeconds(2))
                .build();
        JedisConnectionFactory factory =
                new JedisConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port), client);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
