package fitmon.broker.replication;

import java.io.IOException;
import java.security.PublicKey;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.LyingReplies;
import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.StateMachineConfig;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.BftSmartReplica;
import fitmon.replication.link.LinkSettings;
import fitmon.replication.link.LinkTls;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the state machine, its shell and the BFT-SMaRt replica from {@code fitmon.broker.*}. */
@Configuration(proxyBeanMethods = false)
class BrokerReplicaConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerReplicaConfiguration.class);

    @Bean
    ReplicationSettings replicationSettings(BrokerReplicaProperties properties) {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(properties.peers()), properties.f())
                .withOrderingTimeout(properties.orderingTimeout());
        if (properties.replicaId() < 0 || properties.replicaId() >= settings.n()) {
            throw new IllegalArgumentException("fitmon.broker.replica-id=" + properties.replicaId()
                    + " is not an index of fitmon.broker.peers (0.." + (settings.n() - 1) + ")");
        }
        return settings;
    }

    @Bean
    PrecomputedVerdicts precomputedVerdicts() {
        return new PrecomputedVerdicts(100_000);
    }

    @Bean
    BrokerStateMachine brokerStateMachine(BrokerReplicaProperties properties, PrecomputedVerdicts verdicts) {
        PublicKey ca = CaKeyLoader.load(properties);
        if (ca == null) {
            LOG.warn("no fitmon CA key configured (fitmon.broker.ca-public-key): every probe registration will be refused");
        }
        BrokerReplicaProperties.Limits l = properties.limits();
        return new BrokerStateMachine(new StateMachineConfig(ca, l.maxEventBytes(), l.maxBatchEvents(), l.maxChannels(),
                l.maxRetainedEvents(), l.maxRetainedBytes(), properties.requireSignedCommands())
                .withMaxTotalRetainedBytes(l.maxTotalRetainedBytes()), verdicts);
    }

    @Bean
    BrokerMetrics brokerMetrics(MeterRegistry registry) {
        return new BrokerMetrics(registry);
    }

    /**
     * Verifies signatures ahead of ordering, one thread per core. Bounded: when 10,000 requests
     * wait, new ones are not prepared ahead and their signatures are checked at execution.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService verifierPool() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "fitmon-verifier-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Bean
    ReplicatedBroker replicatedBroker(BrokerStateMachine stateMachine, PrecomputedVerdicts verdicts, BrokerMetrics metrics,
                                      MeterRegistry registry, ExecutorService verifierPool) {
        ReplicatedBroker broker = new ReplicatedBroker(stateMachine, verdicts, metrics, verifierPool);
        FunctionCounter.builder("fitmon.signatures.verified", verdicts, PrecomputedVerdicts::verifiedAhead).tag("when", "ahead")
                .description("event and command signatures verified ahead of ordering").register(registry);
        FunctionCounter.builder("fitmon.signatures.verified", verdicts, PrecomputedVerdicts::verifiedAtExecution)
                .tag("when", "execution").description("signatures verified at execution, no verdict being ready")
                .register(registry);
        ChannelGauges.register(registry, broker);
        return broker;
    }

    @Bean
    ReplicaStorage replicaStorage(BrokerReplicaProperties properties) throws IOException {
        return ReplicaStorage.open(properties);
    }

    @Bean
    ReplicaRuntime replicaRuntime(BrokerReplicaProperties properties, ReplicationSettings settings,
                                  ReplicatedBroker broker, ReplicaStorage storage, MeterRegistry registry,
                                  LabSwitches lab) {
        BftSmartReplica replica = new BftSmartReplica(properties.replicaId(), settings, LyingReplies.around(broker, lab),
                ReplicaKeyFiles.load(properties.keys()), properties.waitingReportInterval(), storage.journal());
        BrokerReplicaProperties.Links links = properties.links();
        if (links.configured()) {
            PublicKey ca = CaKeyLoader.load(properties);
            if (ca == null) {
                throw new IllegalArgumentException("fitmon.broker.links needs the CA key (fitmon.broker.ca-public-key) "
                        + "to check the certificates of peers and clients");
            }
            replica.overLinks(new LinkSettings(new LinkTls(ca, new LinkCertificateFiles(links.certFile(), links.keyFile(),
                    properties.replicaId())), links.handshakeTimeout(), (int) Math.min(Integer.MAX_VALUE,
                    links.maxFrameSize().toBytes()), client -> LinkCertificateFiles.admitsClient(client, broker)));
        }
        ReplicaGauges.register(registry, replica, settings.n());
        return new ReplicaRuntime(replica);
    }

    @Bean
    ReplicaHealthIndicator replicaHealthIndicator(ReplicaRuntime runtime, ReplicatedBroker broker) {
        return new ReplicaHealthIndicator(runtime, broker);
    }
}
