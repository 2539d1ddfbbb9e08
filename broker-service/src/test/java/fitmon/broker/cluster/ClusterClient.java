package fitmon.broker.cluster;

import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FreePorts;
import fitmon.testkit.ServiceProcess;

import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import fitmon.core.command.CommandSigner;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;

import fitmon.replication.OrderingClient;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.BftSmartOrderingClient;
import fitmon.replication.link.LinkCredentials;
import fitmon.replication.link.LinkSettings;
import fitmon.replication.link.LinkTls;

/** The BFT-SMaRt ordering client a test uses to submit commands to a {@link BrokerCluster}. */
final class ClusterClient {

    private ClusterClient() {
    }

    /** Bare commands, unsigned: what an intruder on the client port could send. */
    static OrderingClient connectUnsigned(BrokerCluster cluster, int firstClientId, boolean healthView) {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(cluster.peerAddresses()), cluster.f())
                .withOrderingTimeout(Duration.ofSeconds(1));
        return new BftSmartOrderingClient(settings, firstClientId, 4, Duration.ofSeconds(60), healthView);
    }

    /** Commands signed by a gateway certified by the cluster's CA. */
    static OrderingClient connect(BrokerCluster cluster, CertificateAuthority ca, int firstClientId, boolean healthView) {
        return signed(connectUnsigned(cluster, firstClientId, healthView), ca, firstClientId);
    }

    /** Signed commands to the replicas at the given addresses (by id), one proxy. */
    static OrderingClient connect(List<String> peerAddresses, int f, CertificateAuthority ca, int firstClientId) {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(peerAddresses), f)
                .withOrderingTimeout(Duration.ofSeconds(1));
        return signed(new BftSmartOrderingClient(settings, firstClientId, 1, Duration.ofSeconds(60), true), ca, firstClientId);
    }

    private static OrderingClient signed(OrderingClient unsigned, CertificateAuthority ca, int firstClientId) {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        Instant now = Instant.now();
        try {
            byte[] certificate = ca.issueGatewayCertificate("gateway-" + firstClientId, keys.getPublic(),
                    now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))).getEncoded();
            return new GatewaySignedClient(unsigned, new CommandSigner(certificate, keys.getPrivate()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Signed commands over mutual TLS, to replicas that {@link BrokerCluster#useLinkCertificates} gave
     * link certificates of {@code ca}; the client shows a gateway certificate of the same CA.
     */
    static OrderingClient connectOverLinks(BrokerCluster cluster, CertificateAuthority ca, int firstClientId) {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(cluster.peerAddresses()), cluster.f())
                .withOrderingTimeout(Duration.ofSeconds(1));
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        Instant now = Instant.now();
        java.security.cert.X509Certificate certificate = ca.issueGatewayCertificate("gateway-" + firstClientId,
                keys.getPublic(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        LinkCredentials credentials = new LinkCredentials(keys.getPrivate(), certificate);
        BftSmartOrderingClient client = new BftSmartOrderingClient(settings, firstClientId, 2, Duration.ofSeconds(60), true,
                LinkSettings.of(new LinkTls(ca.publicKey(), () -> credentials)));
        try {
            return new GatewaySignedClient(client, new CommandSigner(certificate.getEncoded(), keys.getPrivate()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static OrderingClient connect(BrokerCluster cluster, CertificateAuthority ca) {
        return connect(cluster, ca, 2000, true);
    }
}
