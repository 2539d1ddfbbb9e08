package fitmon.replication.bftsmart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import bftsmart.communication.client.ReplyListener;
import bftsmart.reconfiguration.views.MemoryBasedViewStorage;
import bftsmart.tom.AsynchServiceProxy;
import bftsmart.tom.RequestContext;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import fitmon.replication.OrderingClient;
import fitmon.replication.OrderingTimeoutException;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.link.ClientLinks;
import fitmon.replication.link.LinkSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits commands through several BFT-SMaRt client proxies (distinct client ids) in turn, since
 * one proxy serialises its sends, and completes each request once f+1 replicas returned
 * byte-identical first replies ({@link ReplyVote}). Sends only to the replicas {@link ReplicaHealth} considers alive (never
 * fewer than n-f, so at least 2f+1).
 *
 * <p>The constructor connects every proxy to every replica and blocks while it does.
 * {@code submit*} sends on the caller's thread and returns when the request is on the wire; the
 * returned futures complete on the client's own reply threads, never on the library's network
 * thread, so callbacks may block or submit further requests. A future fails with
 * {@link OrderingTimeoutException} when f+1 matching replies did not arrive within the request
 * timeout (the command may or may not have been ordered), or when the client is closed first.
 *
 * <p>Every client of a group needs its own range of client ids: two processes using the same id
 * would see each other's replies and be refused by replicas as replays.
 */
public final class BftSmartOrderingClient implements OrderingClient {

    private static final Logger LOG = LoggerFactory.getLogger(BftSmartOrderingClient.class);
    public static final int DEFAULT_PROXIES = 4;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long after completion the stragglers' replies still count as answers. */
    private static final long STRAGGLER_GRACE_MILLIS = 3000;
    private static final long PROBE_PERIOD_MILLIS = 2000;

    private final ReplicationSettings settings;
    private final List<AsynchServiceProxy> proxies = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ReplicaHealth health;
    private final Duration requestTimeout;
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledExecutorService prober;
    private final ExecutorService replies;
    private final Set<ReplyCollector> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile ClientLinks links;

    /**
     * @param firstClientId  the first of {@code proxyCount} consecutive client ids, unique among all
     *                       clients of the group (ids below 1000 are replicas)
     * @param proxyCount     library proxies used in turn; one proxy alone stays under ~850 requests/s
     * @param requestTimeout how long a request may wait for f+1 matching replies
     */
    public BftSmartOrderingClient(ReplicationSettings settings, int firstClientId, int proxyCount, Duration requestTimeout) {
        this(settings, firstClientId, proxyCount, requestTimeout, true);
    }

    /**
     * @param leaveOutUnreachable false sends every request to every replica, dead or not, as the
     *                            library does by itself (kept to measure what the health view buys)
     */
    public BftSmartOrderingClient(ReplicationSettings settings, int firstClientId, int proxyCount, Duration requestTimeout,
                                  boolean leaveOutUnreachable) {
        this(settings, firstClientId, proxyCount, requestTimeout, leaveOutUnreachable, null);
    }

    /**
     * @param linkSettings the client's certificate and the CA, to reach the replicas over mutual TLS
     *                     relays ({@link ClientLinks}); null speaks the library's plain TCP
     */
    public BftSmartOrderingClient(ReplicationSettings settings, int firstClientId, int proxyCount, Duration requestTimeout,
                                  boolean leaveOutUnreachable, LinkSettings linkSettings) {
        if (firstClientId < TomConfigurations.FIRST_CLIENT_ID) {
            throw new IllegalArgumentException("client ids start at " + TomConfigurations.FIRST_CLIENT_ID
                    + ", got " + firstClientId);
        }
        if (proxyCount < 1) {
            throw new IllegalArgumentException("at least one proxy is needed, got " + proxyCount);
        }
        if (requestTimeout == null || requestTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("the request timeout must be positive, got " + requestTimeout);
        }
        LibraryLogging.install();
        DeserializationFilter.install();
        this.settings = settings;
        this.health = new ReplicaHealth(settings, leaveOutUnreachable);
        this.requestTimeout = requestTimeout;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("fitmon-ordering-client-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.prober = Executors.newSingleThreadScheduledExecutor(daemon("fitmon-ordering-client-probe"));
        this.replies = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemon("fitmon-ordering-client-reply"));
        try {
            List<fitmon.replication.Peer> libraryView = settings.peers();
            if (linkSettings != null) {
                links = ClientLinks.open(settings.peers(), linkSettings);
                libraryView = links.libraryView();
            }
            for (int i = 0; i < proxyCount; i++) {
                proxies.add(new AsynchServiceProxy(TomConfigurations.forProcess(firstClientId + i, settings, libraryView),
                        new MemoryBasedViewStorage()));
            }
        } catch (java.io.IOException e) {
            close();
            throw new java.io.UncheckedIOException("cannot open the client's link relays", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (leaveOutUnreachable) {
            // on its own thread: connecting to a host that drops packets takes a while
            prober.scheduleWithFixedDelay(health::probe, PROBE_PERIOD_MILLIS, PROBE_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Four proxies from {@code firstClientId}, {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public BftSmartOrderingClient(ReplicationSettings settings, int firstClientId) {
        this(settings, firstClientId, DEFAULT_PROXIES, DEFAULT_REQUEST_TIMEOUT);
    }

    @Override
    public CompletableFuture<byte[]> submitOrdered(byte[] command) {
        return submit(command, TOMMessageType.ORDERED_REQUEST);
    }

    @Override
    public CompletableFuture<byte[]> submitUnordered(byte[] command) {
        return submit(command, TOMMessageType.UNORDERED_REQUEST);
    }

    /**
     * Every command of a stream goes through the same proxy: one connection per replica, whose
     * writes keep their order, and each replica executes unordered requests of one connection in
     * arrival order on the thread that reads it. Spread over proxies in turn, two consecutive
     * commands could reach a replica the other way round.
     */
    @Override
    public CompletableFuture<byte[]> submitUnordered(byte[] command, String stream) {
        return submit(command, TOMMessageType.UNORDERED_REQUEST, proxies.get(Math.floorMod(stream.hashCode(), proxies.size())));
    }

    /** The replicas requests are sent to now (for monitoring). */
    public int[] currentTargets() {
        return health.targets();
    }

    private CompletableFuture<byte[]> submit(byte[] command, TOMMessageType type) {
        return submit(command, type, proxies.get(Math.floorMod(next.getAndIncrement(), proxies.size())));
    }

    private CompletableFuture<byte[]> submit(byte[] command, TOMMessageType type, AsynchServiceProxy proxy) {
        if (closed) {
            return CompletableFuture.failedFuture(new OrderingTimeoutException("the ordering client is closed"));
        }
        int[] targets = health.targets();
        ReplyCollector collector = new ReplyCollector(proxy, targets);
        pending.add(collector);
        int requestId;
        try {
            requestId = proxy.invokeAsynchRequest(command, targets, collector, type);
        } catch (RuntimeException e) {
            // The library throws when fewer than f+1 targets are connected.
            pending.remove(collector);
            return CompletableFuture.failedFuture(new OrderingTimeoutException("cannot send to replicas "
                    + Arrays.toString(targets) + ": " + e.getMessage()));
        }
        collector.requestId(requestId);
        try {
            ScheduledFuture<?> timeout = timer.schedule(collector::timeOut, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            collector.timeoutTask(timeout);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            collector.fail("the ordering client is closed");
        }
        return collector.result;
    }

    /** Closes the proxies; requests still waiting fail with {@link OrderingTimeoutException}. */
    @Override
    public void close() {
        closed = true;
        for (ReplyCollector collector : List.copyOf(pending)) {
            collector.fail("the ordering client was closed before " + settings.replyQuorum() + " matching replies arrived");
        }
        timer.shutdownNow();
        prober.shutdownNow();
        for (AsynchServiceProxy proxy : proxies) {
            try {
                proxy.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a proxy: {}", e.toString());
            }
        }
        replies.shutdown();
        ClientLinks open = links;
        if (open != null) {
            open.close();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Collects the replies of one request until f+1 replicas' first replies are byte-identical. The library calls
     * it on its network thread, holding its reply lock: nothing here blocks, and the result is
     * handed to the reply threads.
     */
    private final class ReplyCollector implements ReplyListener {

        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final AsynchServiceProxy proxy;
        private final int[] targets;
        private final ReplyVote vote = new ReplyVote(settings.n(), settings.replyQuorum());
        private final boolean[] answered = new boolean[settings.n()];
        private int requestId = -1;
        private boolean decided;
        private boolean cleaned;
        private ScheduledFuture<?> timeout;

        ReplyCollector(AsynchServiceProxy proxy, int[] targets) {
            this.proxy = proxy;
            this.targets = targets;
        }

        synchronized void requestId(int id) {
            requestId = id;
            if (decided) {
                clean();
            }
        }

        synchronized void timeoutTask(ScheduledFuture<?> task) {
            if (decided) {
                task.cancel(false);
            } else {
                timeout = task;
            }
        }

        @Override
        public synchronized void reset() {
            // the library re-sends the request after a reconfiguration: earlier replies no longer count
            vote.reset();
        }

        @Override
        public synchronized void replyReceived(RequestContext context, TOMMessage reply) {
            int sender = reply.getSender();
            if (sender < 0 || sender >= answered.length) {
                return;
            }
            answered[sender] = true;
            health.markAnswered(sender);
            if (decided) {
                return;
            }
            byte[] content = vote.offer(sender, reply.getContent());
            if (content != null) {
                decided = true;
                pending.remove(this);
                if (timeout != null) {
                    timeout.cancel(false);
                }
                hand(() -> result.complete(content));
                try {
                    timer.schedule(this::afterCompletion, STRAGGLER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    clean();
                }
            }
        }

        private synchronized void afterCompletion() {
            health.record(targets, answered);
            clean();
        }

        synchronized void timeOut() {
            if (!decided) {
                health.record(targets, answered);
                fail("no " + settings.replyQuorum() + " matching replies within " + requestTimeout.toMillis()
                        + " ms from replicas " + Arrays.toString(targets));
            }
        }

        synchronized void fail(String why) {
            if (!decided) {
                decided = true;
                pending.remove(this);
                if (timeout != null) {
                    timeout.cancel(false);
                }
                clean();
                hand(() -> result.completeExceptionally(new OrderingTimeoutException(why)));
            }
        }

        private void hand(Runnable completion) {
            try {
                replies.execute(completion);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                completion.run();
            }
        }

        private void clean() {
            if (!cleaned && requestId >= 0) {
                cleaned = true;
                proxy.cleanAsynchRequest(requestId);
            }
        }
    }
}
