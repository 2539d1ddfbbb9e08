package fitmon.replication.bftsmart;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import bftsmart.reconfiguration.views.MemoryBasedViewStorage;
import bftsmart.tom.ServiceReplica;
import bftsmart.tom.server.Replier;
import bftsmart.tom.server.defaultservices.DefaultReplier;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicatedService;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.durability.ReplicaJournal;
import fitmon.replication.link.LinkSettings;
import fitmon.replication.link.ReplicaLinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts a {@link ReplicatedService} in a BFT-SMaRt replica. The library's constructor blocks
 * until the peers are connected, so {@link #start()} runs it on a thread of its own and reports
 * progress through {@link #state()} and {@link #ready()}. Once ready, a {@link StallWatchdog} has it
 * fetch its peers' state if it stops executing while they go on ordering.
 *
 * <p>The library leaves non-daemon network threads behind after it is closed: a process hosting a
 * replica must exit after {@link #close()} rather than expect to start another.
 */
public final class BftSmartReplica implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BftSmartReplica.class);

    /** How often a replica still waiting for its group says why it may be waiting. */
    public static final java.time.Duration DEFAULT_WAITING_REPORT_INTERVAL = java.time.Duration.ofSeconds(30);

    private static final byte[] NOT_A_REPLICA_ID = {-1, -1, -1, -1};

    private final int replicaId;
    private final ReplicationSettings settings;
    private final ServiceAdapter adapter;
    private final ReplicatedService service;
    private final ReplicaKeys keys;
    private final java.time.Duration waitingReportInterval;
    private final AtomicReference<ReplicaState> state = new AtomicReference<>(ReplicaState.STARTING);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private volatile ServiceReplica replica;
    private volatile Thread starter;
    private final StallWatchdog watchdog;
    private final ReplicaJournal journal;
    private volatile DurableReplier durableReplier;
    private LinkSettings linkSettings;
    private volatile ReplicaLinks links;
    private volatile PeerKeyKeeper keyKeeper;

    /** A replica on the library's built-in key pair, shared by every replica: for tests only. */
    public BftSmartReplica(int replicaId, ReplicationSettings settings, ReplicatedService service) {
        this(replicaId, settings, service, null);
    }

    /**
     * @param keys this replica's RSA key pair and every peer's public key; null falls back to the
     *             library's built-in pair, which authenticates nothing between replicas
     */
    public BftSmartReplica(int replicaId, ReplicationSettings settings, ReplicatedService service, ReplicaKeys keys) {
        this(replicaId, settings, service, keys, DEFAULT_WAITING_REPORT_INTERVAL);
    }

    /**
     * @param keys                  as above
     * @param waitingReportInterval how often the replica reports while it waits for its group,
     *                              between 1 s and 1 h
     */
    public BftSmartReplica(int replicaId, ReplicationSettings settings, ReplicatedService service, ReplicaKeys keys,
                           java.time.Duration waitingReportInterval) {
        this(replicaId, settings, service, keys, waitingReportInterval, null);
    }

    /**
     * @param keys                  as above
     * @param waitingReportInterval as above
     * @param journal               where the ordered state is kept across restarts, opened and not
     *                              yet restored (the replica restores it as it starts); null keeps
     *                              the state in memory only. The caller closes it after the replica.
     */
    public BftSmartReplica(int replicaId, ReplicationSettings settings, ReplicatedService service, ReplicaKeys keys,
                           java.time.Duration waitingReportInterval, ReplicaJournal journal) {
        if (waitingReportInterval == null || waitingReportInterval.toMillis() < 1000
                || waitingReportInterval.compareTo(java.time.Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("the waiting report interval must be between 1 s and 1 h, got "
                    + waitingReportInterval);
        }
        this.waitingReportInterval = waitingReportInterval;
        if (replicaId < 0 || replicaId >= settings.n()) {
            throw new IllegalArgumentException("replica id " + replicaId + " is not in the group 0.." + (settings.n() - 1));
        }
        this.replicaId = replicaId;
        this.settings = settings;
        this.adapter = new ServiceAdapter(service, this::markReady, journal, this::journalFailed);
        this.journal = journal;
        this.service = service;
        if (keys != null) {
            keys.validate(replicaId, settings.n());
        }
        this.keys = keys;
        this.watchdog = new StallWatchdog(replicaId, adapter.catchUpStateManager(), settings.orderingTimeout(),
                this::messageThreadDied);
    }

    /**
     * Carries this replica's links over mutual TLS relays ({@link ReplicaLinks}) instead of the
     * library's plain TCP; before {@link #start()}.
     */
    public synchronized BftSmartReplica overLinks(LinkSettings settings) {
        if (starter != null) {
            throw new IllegalStateException("replica " + replicaId + " links must be set before it starts");
        }
        this.linkSettings = settings;
        return this;
    }

    /**
     * Cuts this replica off from the given peers (lab partitions; empty heals): see
     * {@link ReplicaLinks#silence}. Only over link relays: plain TCP links are the library's own.
     *
     * @throws IllegalStateException when the replica runs without link relays or has not opened them yet
     */
    public void silencePeers(java.util.Set<Integer> peers) {
        ReplicaLinks open = links;
        if (open == null) {
            throw new IllegalStateException("replica " + replicaId + " cannot cut links: "
                    + (linkSettings == null ? "its links are plain TCP, the library's own (partitions need link TLS, "
                    + "fitmon.broker.links.*)" : "it has not opened its links yet"));
        }
        for (int peer : peers) {
            if (peer < 0 || peer >= settings.n() || peer == replicaId) {
                throw new IllegalArgumentException("replica " + replicaId + " has no peer " + peer + " (peers: 0.."
                        + (settings.n() - 1) + " but itself)");
            }
        }
        open.silence(peers);
    }

    /** The peers this replica is cut off from; empty without link relays. */
    public java.util.Set<Integer> silencedPeers() {
        ReplicaLinks open = links;
        return open == null ? java.util.Set.of() : open.silenced();
    }

    /** The library's message thread, once the library built it; null before. */
    Thread messageThread() {
        bftsmart.tom.core.TOMLayer layer = adapter.catchUpStateManager().layer();
        return layer == null ? null : layer.getCommunication();
    }

    /** The relays of this replica's links, once it started over them; null before or without. */
    ReplicaLinks links() {
        return links;
    }

    /** Starts connecting to the peers in the background; returns at once. */
    public synchronized void start() {
        if (starter != null) {
            throw new IllegalStateException("replica " + replicaId + " was already started");
        }
        LibraryLogging.install();
        DeserializationFilter.install();
        state.set(ReplicaState.WAITING_FOR_PEERS);
        starter = new Thread(this::run, "fitmon-replica-" + replicaId + "-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void run() {
        Thread watch = new Thread(this::reportWhileWaiting, "fitmon-replica-" + replicaId + "-waiting");
        watch.setDaemon(true);
        watch.start();
        try {
            LOG.info("replica {} of {} (f={}) connecting to its peers", replicaId, settings.n(), settings.f());
            if (keys == null) {
                LOG.warn("replica {} uses the library's built-in RSA key pair, shared by all replicas: links between "
                        + "replicas are not authenticated; configure a key pair per replica", replicaId);
            }
            try {
                adapter.restoreFromDisk();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the replica's state from " + journal.directory(), e);
            }
            java.util.List<fitmon.replication.Peer> libraryView = settings.peers();
            if (linkSettings != null) {
                ReplicaLinks opened;
                try {
                    opened = ReplicaLinks.open(replicaId, settings.peers(), linkSettings);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot listen on the ports of replica " + replicaId
                            + " (" + settings.peers().get(replicaId).port() + " and the one after it)", e);
                }
                synchronized (this) {
                    links = opened;
                    if (state.get() == ReplicaState.STOPPED) {
                        opened.close();
                        return;
                    }
                }
                opened.onLibraryAwaitingPeer(peer -> {
                    PeerKeyKeeper keeper = keyKeeper;
                    if (keeper != null) {
                        keeper.exchangeStarted(peer);
                    }
                });
                libraryView = opened.libraryView();
                LOG.info("replica {} links over mutual TLS: clients on port {}, peers on port {}", replicaId,
                        settings.peers().get(replicaId).port(), settings.peers().get(replicaId).port() + 1);
            } else {
                LOG.warn("replica {} links are PLAIN TCP: anyone on the network can read every event and command "
                        + "and pose as a peer; for development only", replicaId);
            }
            watchdog.watchWhileStarting();
            ServiceReplica started = new ServiceReplica(TomConfigurations.forReplica(replicaId, settings, libraryView, keys),
                    new MemoryBasedViewStorage(), adapter, adapter, this::prepare, replier());
            synchronized (this) {
                replica = started;
                if (state.get() == ReplicaState.STOPPED) {
                    // closed while the library was still connecting: it could not be stopped then
                    LOG.info("replica {} was closed while starting: stopping it now", replicaId);
                    started.kill();
                    return;
                }
            }
            LOG.info("replica {} connected to its peers and agreed on where the group is", replicaId);
            markReady();
            watchdog.start();
            if (linkSettings != null) {
                startKeyKeeper();
            }
        } catch (RuntimeException e) {
            LOG.error("replica {} failed to start: {}", replicaId, e.toString(), e);
            state.set(ReplicaState.STOPPED);
            ready.completeExceptionally(e);
            failure.complete(e);
        }
    }

    /** See {@link PeerKeyKeeper}: only over relays, where a peer that is down still takes our library's connection. */
    private synchronized void startKeyKeeper() {
        if (state.get() == ReplicaState.STOPPED) {
            return;
        }
        keyKeeper = new PeerKeyKeeper(replicaId, () -> {
            bftsmart.tom.core.TOMLayer layer = adapter.catchUpStateManager().layer();
            return layer == null ? null : layer.getCommunication();
        });
        keyKeeper.start();
    }

    /** MAC keys of peers put back while their links were down (0 without link relays). */
    public long peerKeysKept() {
        PeerKeyKeeper keeper = keyKeeper;
        return keeper == null ? 0 : keeper.restored();
    }

    private Replier replier() {
        if (journal == null) {
            LOG.warn("replica {} keeps its state in memory only: if every replica stops, channels and events are lost",
                    replicaId);
            return new DefaultReplier();
        }
        DurableReplier durable = new DurableReplier(journal, adapter::replicaContext, this::journalFailed);
        durableReplier = durable;
        return durable;
    }

    private void journalFailed(java.io.IOException e) {
        LOG.error("replica {} cannot write its state to {} ({}): stopping it, since its replies would promise what "
                + "it could not restore; the group goes on without it", replicaId, journal.directory(), e.toString(), e);
        close();
        failure.complete(e);
    }

    private void messageThreadDied(Throwable cause) {
        close();
        failure.complete(cause);
    }

    /**
     * Completes with the cause if the replica stopped by itself: it could not start (a damaged
     * data directory, bad settings) or could no longer write its state. A process hosting the
     * replica should end then, so that whatever supervises it sees the failure.
     */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    /** What the replica restored from its journal at start; null without a journal or before that. */
    public ReplicaJournal.Restored restored() {
        return adapter.restored();
    }

    /**
     * Every {@link #waitingReportInterval} (30 s by default) while the group has not formed, says which peers accept TCP connections on their
     * replica port (port+1). All reachable and still waiting usually means a key mismatch: the
     * library drops links whose signature does not verify with the public key configured for that
     * peer, and only prints "sent an invalid signature!".
     */
    private void reportWhileWaiting() {
        long started = System.nanoTime();
        while (state.get() == ReplicaState.WAITING_FOR_PEERS) {
            try {
                Thread.sleep(waitingReportInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (state.get() != ReplicaState.WAITING_FOR_PEERS) {
                return;
            }
            java.util.List<Integer> reachable = new java.util.ArrayList<>();
            java.util.List<Integer> unreachable = new java.util.ArrayList<>();
            for (fitmon.replication.Peer peer : settings.peers()) {
                if (peer.id() == replicaId) {
                    continue;
                }
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress(peer.host(), peer.port() + 1), 1000);
                    // The peer reads a replica id first; -1 is no member, so it closes the socket
                    // quietly instead of logging an EOFException as an error.
                    socket.getOutputStream().write(NOT_A_REPLICA_ID);
                    socket.getOutputStream().flush();
                    reachable.add(peer.id());
                } catch (java.io.IOException e) {
                    unreachable.add(peer.id());
                }
            }
            long waited = (System.nanoTime() - started) / 1_000_000_000L;
            if (unreachable.isEmpty()) {
                LOG.warn("replica {} still waiting for its group after {} s although every peer {} accepts connections: "
                        + "check that each replica's public key in the configuration matches that replica's private key "
                        + "(the library drops links it cannot authenticate); once the keys are fixed, restart the replicas "
                        + "that logged 'sent an invalid signature!' as well: the library never reopens a link it refused",
                        replicaId, waited, reachable);
            } else {
                LOG.warn("replica {} still waiting for its group after {} s: peers {} do not accept connections yet "
                        + "(all {} replicas must be up once before anything is ordered)", replicaId, waited, unreachable,
                        settings.n());
            }
        }
    }

    /** The library's request check, used only to let the service work ahead; every request passes. */
    private boolean prepare(byte[] request) {
        try {
            service.prepare(request);
        } catch (RuntimeException e) {
            LOG.debug("prepare failed, the request will be checked when executed: {}", e.toString());
        }
        return true;
    }

    private void markReady() {
        if (state.compareAndSet(ReplicaState.WAITING_FOR_PEERS, ReplicaState.READY)) {
            LOG.info("replica {} is ready", replicaId);
            ready.complete(null);
        }
    }

    public ReplicaState state() {
        return state.get();
    }

    /**
     * Completes once the replica joined its group: the library's constructor returned, which it
     * does only after its state manager heard the current consensus id from its peers (and
     * fetched their state if it was behind), or the replica executed an ordered command or
     * installed a snapshot. Fails if the replica could not start or was closed first.
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public int replicaId() {
        return replicaId;
    }

    /**
     * What the replica is doing as its watchdog last saw it (once a second or so): "ordering",
     * "idle", "fetching the group's state", "alone in a leader change to regency N", "stopped in
     * a leader change (...)", "message thread unresponsive for N s", or "failed: ...".
     */
    public String activity() {
        ReplicaState now = state.get();
        return now == ReplicaState.READY ? watchdog.activity() : now.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The regency (leader-change round) this replica has installed; -1 before it started. */
    public int regency() {
        var layer = adapter.catchUpStateManager().layer();
        return layer == null || layer.getSynchronizer() == null ? -1 : layer.getSynchronizer().getLCManager().getLastReg();
    }

    /** The leader of this replica's regency; -1 before it started. */
    public int leader() {
        var layer = adapter.catchUpStateManager().layer();
        return layer == null ? -1 : layer.execManager.getCurrentLeader();
    }

    /** Client requests received and not yet ordered; -1 when unknown. */
    public int pendingRequests() {
        LibraryQueues queues = queues();
        return queues == null ? 0 : queues.pendingRequests();
    }

    /** Bytes queued to be sent to each peer, by peer id; each queue holds at most the configured number of messages. */
    public java.util.Map<Integer, Long> queuedBytesByPeer() {
        LibraryQueues queues = queues();
        return queues == null ? java.util.Map.of() : queues.queuedBytesByPeer();
    }

    /** Messages to peers dropped because the peer's send queue was full (in bytes or in messages). */
    public long peerSendDropped() {
        return adapter.catchUpStateManager().sendQueues().dropped();
    }

    /** Bytes one peer's send queue holds at most; 0 until the bound is in force. */
    public long peerSendLimitBytes() {
        PeerSendQueues queues = adapter.catchUpStateManager().sendQueues();
        return queues.bounded() > 0 ? queues.limitBytes() : 0;
    }

    /**
     * Messages to itself dropped because the receive queue was full: with the library's own
     * queue, the first of these would have stopped the replica's message thread for good.
     */
    public long selfMessagesDropped() {
        return adapter.catchUpStateManager().droppedSelfMessages();
    }

    /** Instances that decided an empty batch, which the library cannot deliver: logged as no-ops instead. */
    public long emptyBatchesDecided() {
        return adapter.catchUpStateManager().emptyBatchesDecided();
    }

    /** Pending client requests dropped because the group had ordered them while this replica fetched its state. */
    public long stalePendingDropped() {
        return adapter.catchUpStateManager().stalePendingDropped();
    }

    /** Peer messages received and waiting for the library's message thread; -1 when unknown. */
    public int inboundQueued() {
        LibraryQueues queues = queues();
        return queues == null ? 0 : queues.inboundQueued();
    }

    private LibraryQueues queues() {
        var layer = adapter.catchUpStateManager().layer();
        return layer == null ? null : new LibraryQueues(layer);
    }

    /**
     * How long this replica now waits for a request before it asks for a leader change, in seconds:
     * the configured ordering timeout, doubled with every leader change that ordered nothing (at
     * most eight times it) until the group orders again; 0 before the replica started.
     */
    public double currentOrderingTimeoutSeconds() {
        return adapter.catchUpStateManager().leaderChangeGuard().orderingTimeoutMillis() / 1000.0;
    }

    /** Bytes of client requests held from peers' leader-change (STOP) messages, and their bound. */
    public long leaderChangeRelayedBytes() {
        return adapter.catchUpStateManager().leaderChangeGuard().relayedBytes();
    }

    /** 0 until the bound is in force (the replica has started), or if the library could not be bounded. */
    public long leaderChangeRelayLimitBytes() {
        return adapter.catchUpStateManager().leaderChangeGuard().installed() ? LeaderChangeGuard.RELAY_LIMIT_BYTES : 0;
    }

    /** Relayed requests refused at the bound, and copies of requests already held. */
    public long leaderChangeRelayDropped() {
        return adapter.catchUpStateManager().leaderChangeGuard().relayedDropped();
    }

    public long leaderChangeRelayDuplicates() {
        return adapter.catchUpStateManager().leaderChangeGuard().relayedDuplicates();
    }

    /** Leader-change messages for later regencies held, and those dropped as stale, repeated or too far ahead. */
    public int leaderChangeMessagesHeld() {
        return adapter.catchUpStateManager().leaderChangeGuard().leaderChangeMessagesHeld();
    }

    public long leaderChangeMessagesDropped() {
        return adapter.catchUpStateManager().leaderChangeGuard().leaderChangeMessagesDropped();
    }

    /** State transfers asked again because they took more than ten ordering timeouts. */
    public long stateRetries() {
        return adapter.catchUpStateManager().stateRetries();
    }

    /** State transfers this replica started because the group went on without it. */
    public long catchUps() {
        return adapter.catchUpStateManager().catchUps();
    }

    /** The library-facing adapter, for tests in this package. */
    ServiceAdapter adapter() {
        return adapter;
    }

    /**
     * Stops the replica (the library's {@code kill()}: consensus, delivery and network layers).
     * Idempotent. The library leaves non-daemon Netty threads running afterwards, so the JVM
     * will not exit on its own: a process that hosts a replica should end itself once it closed
     * it (see {@link #exitProcessSoon}). A replica closed while still waiting for its peers is
     * stopped as soon as the library hands it over.
     */
    @Override
    public synchronized void close() {
        state.set(ReplicaState.STOPPED);
        watchdog.close();
        PeerKeyKeeper keeper = keyKeeper;
        if (keeper != null) {
            keeper.stop();
        }
        DurableReplier durable = durableReplier;
        if (durable != null) {
            durable.close();
        }
        ServiceReplica r = replica;
        if (r != null) {
            try {
                r.kill();
            } catch (RuntimeException e) {
                LOG.debug("replica {} stop: {}", replicaId, e.toString());
            }
        }
        ReplicaLinks open = links;
        if (open != null) {
            open.close();
        }
        // The starting thread is not interrupted: the library swallows interrupts while it waits
        // for its peers; run() stops the replica once the constructor hands it over.
        ready.completeExceptionally(new IllegalStateException("replica closed"));
    }

    /**
     * Ends the JVM with {@code status} after {@code grace}, on a daemon thread, unless the JVM is
     * already shutting down (then it halts by itself once its shutdown hooks are done). For
     * processes that host a replica and have closed it: the library's leftover non-daemon
     * threads would otherwise keep the process alive.
     *
     * @return false if the JVM was already shutting down and nothing was scheduled
     */
    public static boolean exitProcessSoon(java.time.Duration grace, int status) {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
        Thread exit = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(status);
        }, "fitmon-replica-exit");
        exit.setDaemon(true);
        exit.start();
        return true;
    }
}
