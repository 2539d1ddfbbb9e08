package fitmon.gateway.admission;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The admission primitives as beans, sized from {@link AdmissionProperties}. */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

    @Bean
    TokenBucketLimiter tokenBucketLimiter(AdmissionProperties properties) {
        return new TokenBucketLimiter(properties.permitsPerSecond(), properties.burst(), System::nanoTime);
    }

    @Bean
    PriorityScheduler priorityScheduler(AdmissionProperties properties) {
        return new PriorityScheduler(properties.concurrency(), properties.maxQueued());
    }
}
