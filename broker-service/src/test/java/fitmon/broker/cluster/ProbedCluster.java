package fitmon.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;

/**
 * What the fault tests share: 3f+1 replicas of the built jar (four unless said), a gateway-signed
 * client, one {@code BFT} channel and a probe per load worker registered on it.
 */
final class ProbedCluster implements AutoCloseable {

    final CertificateAuthority ca;
    final BrokerCluster cluster;
    final OrderingClient client;
    final List<TestProbe> probes = new ArrayList<>();

    private ProbedCluster(CertificateAuthority ca, BrokerCluster cluster, OrderingClient client) {
        this.ca = ca;
        this.cluster = cluster;
        this.client = client;
    }

    /**
     * @param firstClientId the client's first BFT-SMaRt id (each test its own)
     * @param probeNames    probe ids are this prefix and a number
     */
    static ProbedCluster start(Path logs, int firstClientId, String tag, String probeNames, int probes,
                               ChannelRetention retention, Duration startup) throws Exception {
        return start(logs, 1, List.of(), firstClientId, tag, probeNames, probes, retention, startup);
    }

    /** As above, with 3f+1 replicas, each started with {@code extraArguments}. */
    static ProbedCluster start(Path logs, int f, List<String> extraArguments, int firstClientId, String tag,
                               String probeNames, int probes, ChannelRetention retention, Duration startup) throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-" + probeNames + "-ca");
        BrokerCluster cluster = new BrokerCluster(f, ca.publicKey().getEncoded(), logs, extraArguments);
        ProbedCluster started = null;
        try {
            cluster.startAll();
            BrokerCluster.await("every replica to report READY", startup, () -> cluster.readyCount() == cluster.n());
            started = new ProbedCluster(ca, cluster, ClusterClient.connect(cluster, ca, firstClientId, true));
            started.order(new CreateChannel(tag, ChannelClass.BFT, 0, probes, 10, retention));
            for (int i = 0; i < probes; i++) {
                TestProbe probe = new TestProbe(probeNames + "-" + i, SignatureAlgorithm.ED25519, ca);
                started.order(new RegisterProbe(tag, probe.certificate));
                started.probes.add(probe);
            }
            return started;
        } catch (Exception | AssertionError e) {
            if (started != null) {
                started.close();
            } else {
                cluster.close();
            }
            throw e;
        }
    }

    /** Orders an administrative command and checks it was accepted. */
    void order(BrokerCommand command) throws Exception {
        CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(command)).get(60, TimeUnit.SECONDS));
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    }

    @Override
    public void close() {
        client.close();
        cluster.close();
    }
}
