package fitmon.gateway.ordering;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.Publish;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.gateway.registry.PemCertificates;
import fitmon.gateway.registry.RegistryClient;
import fitmon.replication.OrderingClient;
import fitmon.replication.Peer;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.BftSmartOrderingClient;
import fitmon.replication.link.LinkCredentials;
import fitmon.replication.link.LinkSettings;
import fitmon.replication.link.LinkTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gateway's connection to the replica group: it obtains a gateway certificate from the fitmon
 * CA (through the registry), signs every command with it and submits through the BFT-SMaRt
 * ordering client, which completes on f+1 byte-identical replies. Connecting runs in the
 * background: the gateway answers (503 for commands) while the registry or the replicas are
 * still starting.
 */
@Component
public class GatewayOrdering implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayOrdering.class);
    private static final long RETRY_MILLIS = 1000;
    private static final long REPORT_MILLIS = 30_000;
    private static final long RENEW_AFTER_REFUSAL_MILLIS = 10_000;

    private final ClusterProperties cluster;
    private final RegistryClient registry;
    private final ReplicationSettings settings;
    private volatile Thread connector;
    private volatile OrderingClient client;
    private volatile CommandSigner signer;
    /** The same key and certificate, shown on the TLS links to the replicas. */
    private volatile LinkCredentials linkCredentials;
    private volatile Instant certificateRenewAt = Instant.MAX;
    private volatile String waitingFor = "not started";
    private volatile boolean running;
    private long lastRenewalAfterRefusal;
    private final java.util.concurrent.atomic.AtomicBoolean renewalQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** Where certificates are renewed, at half their life or after a refusal: one at a time, on no request's thread. */
    private final java.util.concurrent.ExecutorService renewals = java.util.concurrent.Executors.newSingleThreadExecutor(
            runnable -> {
                Thread thread = new Thread(runnable, "fitmon-gateway-recertify");
                thread.setDaemon(true);
                return thread;
            });

    public GatewayOrdering(ClusterProperties cluster, RegistryClient registry) {
        this.cluster = cluster;
        this.registry = registry;
        this.settings = ReplicationSettings.of(ReplicationSettings.parsePeers(cluster.peers()), cluster.f())
                .withOrderingTimeout(cluster.orderingTimeout());
    }

    @Override
    public void start() {
        running = true;
        Thread thread = new Thread(this::connect, "fitmon-gateway-connect");
        thread.setDaemon(true);
        connector = thread;
        thread.start();
    }

    private void connect() {
        long lastReport = 0;
        while (running && client == null) {
            try {
                renewCertificate();
                List<Integer> unreachable = unreachableReplicas();
                if (unreachable.size() > cluster.f()) {
                    waitingFor = "replicas " + unreachable + " to accept connections (need at least "
                            + (cluster.n() - cluster.f()) + " of " + cluster.n() + ")";
                } else {
                    client = new BftSmartOrderingClient(settings, cluster.firstClientId(), cluster.proxies(),
                            cluster.requestTimeout(), true, linkSettings());
                    waitingFor = null;
                    log.info("connected to the replica group (n={}, f={}) as client ids {}..{}", cluster.n(), cluster.f(),
                            cluster.firstClientId(), cluster.firstClientId() + cluster.proxies() - 1);
                    return;
                }
            } catch (RuntimeException e) {
                waitingFor = "the registry to certify this gateway: " + e.getMessage();
            }
            long now = System.currentTimeMillis();
            if (now - lastReport > REPORT_MILLIS) {
                log.info("gateway not ready yet: waiting for {}", waitingFor);
                lastReport = now;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Mutual TLS to the replicas with the current gateway certificate (each new link takes the
     * latest), trusting the fitmon CA whose key the registry publishes; null for plain TCP.
     */
    private LinkSettings linkSettings() {
        if (!cluster.linkTls()) {
            log.warn("the gateway reaches the replicas over PLAIN TCP (fitmon.gateway.cluster.link-tls=false): every "
                    + "event and command can be read on the network; for development only");
            return null;
        }
        PublicKey ca;
        try {
            ca = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(registry.caPublicKey()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the registry's CA key is not an Ed25519 key: " + e.getMessage(), e);
        }
        return LinkSettings.of(new LinkTls(ca, () -> linkCredentials));
    }

    /** A fresh Ed25519 key and certificate; renewed once half of its validity has passed. */
    private void renewCertificate() {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        byte[] certificate = registry.issueGatewayCertificate(cluster.name(), keys.getPublic().getEncoded());
        X509Certificate parsed = parse(certificate);
        Instant from = parsed.getNotBefore().toInstant();
        Instant to = parsed.getNotAfter().toInstant();
        certificateRenewAt = from.plus(java.time.Duration.between(from, to).dividedBy(2));
        signer = new CommandSigner(certificate, keys.getPrivate());
        linkCredentials = new LinkCredentials(keys.getPrivate(), parsed);
        log.info("gateway certificate issued for '{}', valid until {}", cluster.name(), to);
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return PemCertificates.x509(der);
        } catch (CertificateException e) {
            throw new IllegalStateException("the registry returned an unreadable gateway certificate", e);
        }
    }

    private List<Integer> unreachableReplicas() {
        return settings.peers().stream().filter(peer -> !accepts(peer)).map(Peer::id).toList();
    }

    private static boolean accepts(Peer peer) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Signs and submits one command; completes with the result f+1 replicas agreed on.
     *
     * @param unordered true for events of a channel whose class bypasses consensus
     * @throws OrderingUnavailableException while the gateway is not connected
     */
    public CompletableFuture<CommandResult> submit(BrokerCommand command, boolean unordered) {
        OrderingClient current = client;
        if (current == null) {
            throw new OrderingUnavailableException("the gateway is not connected to the replicas yet: waiting for "
                    + waitingFor);
        }
        if (Instant.now().isAfter(certificateRenewAt) && renewalQueued.compareAndSet(false, true)) {
            // the current certificate is good for another half of its life: this command does not wait
            renewals.execute(this::renewAtHalfLife);
        }
        CommandSigner used = signer;
        return send(current, used, command, unordered).thenCompose(result -> {
            if (!refusesThisGateway(result)) {
                return CompletableFuture.completedFuture(result);
            }
            // off the library's reply thread: a new key and a registry call
            return CompletableFuture.supplyAsync(() -> renewAfterRefusal(used), renewals).thenCompose(renewed ->
                    // an ordered command the replicas refused changed nothing, so it goes once more; an
                    // unordered one may have been taken by some replicas already: its refusal stands
                    renewed && !unordered ? send(current, signer, command, false)
                            : CompletableFuture.completedFuture(result));
        });
    }

    /** On the renewal thread; a failure is tried again by a command a second later, not by every command. */
    private void renewAtHalfLife() {
        try {
            renewCertificate();
        } catch (RuntimeException e) {
            log.warn("could not renew the gateway certificate yet: {}", e.getMessage());
            certificateRenewAt = Instant.now().plusMillis(RETRY_MILLIS);
        } finally {
            renewalQueued.set(false);
        }
    }

    private static boolean refusesThisGateway(CommandResult result) {
        return result instanceof CommandResult.Rejected rejected && rejected.reason() == RejectReason.COMMAND_UNAUTHENTICATED;
    }

    /**
     * The replicas refused a command this gateway signed: its certificate was revoked (an
     * administrator suspected its key) or the replicas trust another CA. A new key and certificate
     * is asked for, at most once per {@value #RENEW_AFTER_REFUSAL_MILLIS} ms, so a gateway the
     * replicas will never trust does not ask the registry once per command.
     *
     * @return whether another certificate now signs, so that sending again can help
     */
    private boolean renewAfterRefusal(CommandSigner refused) {
        if (signer != refused) {
            return true; // another command's refusal renewed it already
        }
        long now = System.currentTimeMillis();
        if (now - lastRenewalAfterRefusal < RENEW_AFTER_REFUSAL_MILLIS) {
            return false;
        }
        lastRenewalAfterRefusal = now;
        log.warn("the replicas refuse commands signed with this gateway's certificate (revoked, or not of their CA): "
                + "asking the registry for a new one");
        try {
            renewCertificate();
            return true;
        } catch (RuntimeException e) {
            log.warn("could not renew the gateway certificate: {}", e.getMessage());
            return false;
        }
    }

    private CompletableFuture<CommandResult> send(OrderingClient current, CommandSigner with, BrokerCommand command,
                                                  boolean unordered) {
        byte[] signed = with.sign(command);
        CompletableFuture<byte[]> reply;
        if (!unordered) {
            reply = current.submitOrdered(signed);
        } else if (command instanceof Publish publish) {
            // one channel's events reach every replica in the order sent: a probe's events keep its order
            reply = current.submitUnordered(signed, publish.tag());
        } else {
            reply = current.submitUnordered(signed);
        }
        return reply.thenApply(ResultCodec::decode);
    }

    public boolean ready() {
        return client != null;
    }

    /** What the gateway is waiting for, or null once connected. */
    public String waitingFor() {
        return waitingFor;
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = connector;
        if (thread != null) {
            thread.interrupt();
        }
        OrderingClient current = client;
        client = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
