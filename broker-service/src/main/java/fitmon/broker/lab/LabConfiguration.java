package fitmon.broker.lab;

import fitmon.broker.replication.BrokerReplicaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The replica's lab switches (the endpoint that flips them, {@link LabController}, exists in lab mode only). */
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
}
