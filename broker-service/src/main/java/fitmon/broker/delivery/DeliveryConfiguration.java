package fitmon.broker.delivery;

import java.time.Clock;

import fitmon.broker.access.ConsoleTokens;
import fitmon.broker.lab.LabSetting;
import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.Misbehaviour;
import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.broker.replication.ReplicatedBroker;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** STOMP delivery at {@code /ws}, fed by the state machine. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(DeliveryProperties.class)
class DeliveryConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConfiguration.class);

    /** Console tokens, checked by {@code /ws} and the read API alike. */
    @Bean
    ConsoleTokens consoleTokens(DeliveryProperties properties) {
        return new ConsoleTokens(properties.jwksUrl());
    }

    @Bean(destroyMethod = "close")
    DeliveryHub deliveryHub(BrokerReplicaProperties replica, DeliveryProperties properties, ReplicatedBroker broker,
                            MeterRegistry registry, LabSwitches lab, ConsoleTokens tokens) {
        LabSwitches deliveries = lab;
        if (properties.faultInjection().enabled()) {
            if (!Boolean.getBoolean(DeliveryProperties.FaultInjection.ALLOW_PROPERTY)) {
                throw new IllegalStateException("fitmon.broker.delivery.fault-injection.* makes this replica lie to"
                        + " consoles and exists for tests only; it is refused unless the JVM runs with -D"
                        + DeliveryProperties.FaultInjection.ALLOW_PROPERTY + "=true");
            }
            LOG.warn("FAULT INJECTION: replica {} alters every event it delivers to consoles (test only)",
                    replica.replicaId());
            deliveries = LabSwitches.fixed(replica.replicaId(), new LabSetting(Misbehaviour.ALTER, null));
        }
        DeliveryHub hub = new DeliveryHub(replica.replicaId(), broker, tokens,
                properties, registry, Clock.systemUTC(), deliveries);
        broker.setListener(hub);
        return hub;
    }

    @Bean
    WebSocketConfigurer stompWebSocket(DeliveryHub hub, DeliveryProperties properties) {
        StompEndpoint endpoint = new StompEndpoint(hub);
        return (WebSocketHandlerRegistry registry) -> registry.addHandler(endpoint, "/ws")
                .setAllowedOriginPatterns(properties.allowedOrigins().toArray(String[]::new));
    }
}
