package fitmon.gateway.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The admission primitives as beans, sized from {@link AdmissionProperties}. */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

    @Bean
    PrincipalRateLimit principalRateLimit(AdmissionProperties properties) {
        return new PrincipalRateLimit(new TokenBucketLimiter(properties.permitsPerSecond(), properties.burst(),
                System::nanoTime));
    }

    @Bean
    ClientRateLimitFilter clientRateLimitFilter(AdmissionProperties properties) {
        return new ClientRateLimitFilter(new TokenBucketLimiter(properties.clientPermitsPerSecond(),
                properties.clientBurst(), System::nanoTime, properties.maxClients()));
    }

    @Bean
    PriorityScheduler priorityScheduler(AdmissionProperties properties) {
        return new PriorityScheduler(properties.concurrency(), properties.maxQueued());
    }

    @Bean
    GroupCommit groupCommit(ScheduledOrdering ordering, GroupCommitProperties properties, MeterRegistry registry) {
        GroupCommit group = new GroupCommit(ordering::submit, properties.maxInFlight(), properties.maxEvents(),
                properties.maxBytes(), properties.maxWaitingEvents());
        Gauge.builder("fitmon.gateway.publish.waiting", group, GroupCommit::waitingRequests)
                .description("publish requests waiting for a free slot of their channel").register(registry);
        FunctionCounter.builder("fitmon.gateway.publish.commands", group, GroupCommit::commandsSent)
                .description("publish commands sent to the replicas").register(registry);
        FunctionCounter.builder("fitmon.gateway.publish.requests", group, GroupCommit::requestsSent)
                .description("publish requests those commands carried").register(registry);
        return group;
    }

    @Bean
    MeterBinder schedulerMetrics(PriorityScheduler scheduler) {
        return registry -> {
            Gauge.builder("fitmon.gateway.commands.running", scheduler, PriorityScheduler::running)
                    .description("commands out to the replicas").register(registry);
            Gauge.builder("fitmon.gateway.commands.queued", scheduler, PriorityScheduler::queued)
                    .description("commands waiting for a slot in the priority scheduler").register(registry);
        };
    }
}
