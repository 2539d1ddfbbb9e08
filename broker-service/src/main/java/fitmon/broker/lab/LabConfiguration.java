package fitmon.broker.lab;

import fitmon.broker.replication.BrokerReplicaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica's lab switches, and in lab mode only, the endpoint that flips them. */
@Configuration(proxyBeanMethods = false)
class LabConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LabConfiguration.class);

    @Bean
    LabSwitches labSwitches(LabProperties properties, BrokerReplicaProperties replica) {
        if (!properties.enabled()) {
            return LabSwitches.honest(replica.replicaId());
        }
        LOG.warn("LAB MODE: replica {} can be told to misbehave through PUT /api/v1/lab (token in {}); never run a"
                + " production replica like this", replica.replicaId(), properties.tokenFile());
        return LabSwitches.lab(replica.replicaId());
    }

    @Bean
    @ConditionalOnProperty(prefix = "fitmon.broker.lab", name = "enabled", havingValue = "true")
    LabController labController(LabSwitches switches, LabProperties properties, BrokerReplicaProperties replica) {
        return new LabController(switches, LabToken.read(properties.tokenFile()), replica.replicaId());
    }
}
