package fitmon.gateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

import fitmon.core.command.CommandSigner;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.gateway.registry.PemCertificates;
import fitmon.replication.OrderingClient;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.BftSmartOrderingClient;
import fitmon.testkit.FitmonSuite;
import tools.jackson.databind.json.JsonMapper;

/**
 * An ordering client that talks to the replicas directly, signing as a gateway the registry's CA
 * certified, but without any of the gateway's checks: what a compromised or buggy gateway could
 * submit.
 */
final class DirectOrdering implements OrderingClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OrderingClient delegate;
    private final CommandSigner signer;

    private DirectOrdering(OrderingClient delegate, CommandSigner signer) {
        this.delegate = delegate;
        this.signer = signer;
    }

    /** @param clientId a library client id no gateway of the suite uses (they start at 1004) */
    static DirectOrdering connect(FitmonSuite suite, String gatewayName, int clientId) throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        String body = JSON.writeValueAsString(java.util.Map.of("name", gatewayName,
                "publicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())));
        HttpResponse<String> issued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(suite.registryUrl() + "/internal/v1/gateway-certificates"))
                .header("X-Fitmon-Service-Token", suite.serviceToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (issued.statusCode() != 201) {
            throw new IllegalStateException("no gateway certificate: " + issued.statusCode() + " " + issued.body());
        }
        byte[] certificate = PemCertificates.der(JSON.readTree(issued.body()).get("certificate").asString());
        ReplicationSettings settings = ReplicationSettings.of(
                ReplicationSettings.parsePeers(suite.brokers().peerAddresses()), suite.brokers().f())
                .withOrderingTimeout(Duration.ofSeconds(1));
        return new DirectOrdering(new BftSmartOrderingClient(settings, clientId, 1, Duration.ofSeconds(60)),
                new CommandSigner(certificate, keys.getPrivate()));
    }

    @Override
    public CompletableFuture<byte[]> submitOrdered(byte[] command) {
        return delegate.submitOrdered(signer.sign(command));
    }

    @Override
    public CompletableFuture<byte[]> submitUnordered(byte[] command) {
        return delegate.submitUnordered(signer.sign(command));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
