package fitmon.gateway.auth.nonce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Against the machine's Redis on 127.0.0.1:6379 (started by .ci/run when absent). */
class RedisNonceStoreTest {

    private final java.util.List<JedisConnectionFactory> factories = new java.util.ArrayList<>();

    private RedisNonceStore store(int port) {
        JedisConnectionFactory factory = new JedisConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
                JedisClientConfiguration.builder().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2)).build());
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        return new RedisNonceStore(new StringRedisTemplate(factory));
    }

    @AfterEach
    void close() {
        factories.forEach(JedisConnectionFactory::destroy);
    }

    @Test
    void twoGatewaysShareNoncesAndNoncesExpire() throws Exception {
        RedisNonceStore gatewayA = store(6379);
        RedisNonceStore gatewayB = store(6379);
        String nonce = UUID.randomUUID().toString();
        assertThat(gatewayA.claim("key-1", nonce, Duration.ofSeconds(1))).isTrue();
        assertThat(gatewayB.claim("key-1", nonce, Duration.ofSeconds(1))).as("replayed at another gateway").isFalse();
        assertThat(gatewayB.claim("key-2", nonce, Duration.ofSeconds(1))).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean expired = false;
        while (!expired && System.nanoTime() < deadline) {
            Thread.sleep(200);
            expired = gatewayA.claim("key-1", nonce, Duration.ofSeconds(1));
        }
        assertThat(expired).as("nonce usable again after its ttl").isTrue();
    }

    @Test
    void anUnreachableRedisIsReportedNotTakenAsANewNonce() {
        RedisNonceStore unreachable = store(fitmon.testkit.FreePorts.single());
        assertThatThrownBy(() -> unreachable.claim("k", "nonce-123", Duration.ofSeconds(5)))
                .isInstanceOf(NonceStoreUnavailableException.class);
    }
}
