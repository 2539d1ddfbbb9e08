package fitmon.gateway.auth;

import fitmon.gateway.auth.nonce.InMemoryNonceStore;
import fitmon.gateway.auth.nonce.NonceStore;
import fitmon.gateway.auth.nonce.RedisNonceStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The nonce store {@code fitmon.gateway.auth.nonce-store} names: in memory, or Redis shared by several gateways. */
@Configuration(proxyBeanMethods = false)
class NonceStoreConfiguration {

    @Bean
    NonceStore nonceStore(AuthProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        if ("redis".equals(properties.nonceStore())) {
            StringRedisTemplate template = redis.getIfAvailable();
            if (template == null) {
                throw new IllegalStateException("fitmon.gateway.auth.nonce-store=redis needs spring.data.redis.* settings");
            }
            return new RedisNonceStore(template, RedisNonceStore.DEFAULT_PREFIX, properties.maxNoncesPerKey());
        }
        return new InMemoryNonceStore(properties.maxNonces(), properties.maxNoncesPerKey(), System::nanoTime);
    }
}
