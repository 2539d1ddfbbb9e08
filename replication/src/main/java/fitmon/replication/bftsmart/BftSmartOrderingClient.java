package fitmon.replication.bftsmart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits commands through several BFT-SMaRt client proxies (distinct client ids) in turn, since
 * one proxy serialises its sends, and completes each request once f+1 replicas returned
 * byte-identical replies. Sends only to the replicas {@link ReplicaHealth} considers alive.
 *
 * <p>{@code submit*} sends on the caller's thread and returns when the request is on the wire.
 */
public final class BftSmartOrderingClient implements OrderingClient {

    private static final Logger LOG = LoggerFactory.getLogger(BftSmartOrderingClient.class);
    public static final int DEFAULT_PROXIES = 4;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long after completion the stragglers' replies still count as answers. */
    private static final long STRAGGLER_GRACE_MILLIS = 3000;

    private final ReplicationSettings settings;
    private final List<AsynchServiceProxy> proxies = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ReplicaHealth health;
    private final Duration requestTimeout;
    private final ScheduledExecutorService timer;

    /**
     * @param firstClientId the first of {@code proxyCount} consecutive client ids, unique among all
     *                      clients of the group (ids below 1000 are replicas)
     */
    public BftSmartOrderingClient(ReplicationSettings settings, int firstClientId, int proxyCount, Duration requestTimeout) {
        if (firstClientId < TomConfigurations.FIRST_CLIENT_ID) {
            throw new IllegalArgumentException("client ids start at " + TomConfigurations.FIRST_CLIENT_ID
                    + ", got " + firstClientId);
        }
        if (proxyCount < 1) {
            throw new IllegalArgumentException("at least one proxy is needed, got " + proxyCount);
        }
        LibraryLogging.install();
        DeserializationFilter.install();
        this.settings = settings;
        this.health = new ReplicaHealth(settings);
        this.requestTimeout = requestTimeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fitmon-ordering-client-timer");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < proxyCount; i++) {
            proxies.add(new AsynchServiceProxy(TomConfigurations.forProcess(firstClientId + i, settings),
                    new MemoryBasedViewStorage()));
        }
        timer.scheduleWithFixedDelay(health::probe, 2, 2, TimeUnit.SECONDS);
    }

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

    private CompletableFuture<byte[]> submit(byte[] command, TOMMessageType type) {
        AsynchServiceProxy proxy = proxies.get(Math.floorMod(next.getAndIncrement(), proxies.size()));
        int[] targets = health.targets();
        ReplyCollector collector = new ReplyCollector(proxy, targets);
        int requestId;
        try {
            requestId = proxy.invokeAsynchRequest(command, targets, collector, type);
        } catch (RuntimeException e) {
            // The library throws when it has no connection to any target.
            return CompletableFuture.failedFuture(new OrderingTimeoutException("cannot send to replicas "
                    + Arrays.toString(targets) + ": " + e.getMessage()));
        }
        collector.requestId(requestId);
        timer.schedule(() -> collector.timeOut(), requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return collector.result;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (AsynchServiceProxy proxy : proxies) {
            try {
                proxy.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a proxy: {}", e.toString());
            }
        }
    }

    /** Collects the replies of one request until f+1 of them are byte-identical. */
    private final class ReplyCollector implements ReplyListener {

        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final AsynchServiceProxy proxy;
        private final int[] targets;
        private final byte[][] replies = new byte[settings.n()][];
        private final boolean[] answered = new boolean[settings.n()];
        private int requestId = -1;
        private boolean cleaned;

        ReplyCollector(AsynchServiceProxy proxy, int[] targets) {
            this.proxy = proxy;
            this.targets = targets;
        }

        synchronized void requestId(int id) {
            requestId = id;
            if (result.isDone()) {
                clean();
            }
        }

        @Override
        public synchronized void reset() {
            Arrays.fill(replies, null);
        }

        @Override
        public synchronized void replyReceived(RequestContext context, TOMMessage reply) {
            int sender = reply.getSender();
            if (sender < 0 || sender >= replies.length) {
                return;
            }
            answered[sender] = true;
            health.markAnswered(sender);
            if (result.isDone()) {
                return;
            }
            replies[sender] = reply.getContent();
            int matching = 0;
            for (byte[] other : replies) {
                if (other != null && Arrays.equals(other, replies[sender])) {
                    matching++;
                }
            }
            if (matching >= settings.replyQuorum()) {
                result.complete(replies[sender]);
                timer.schedule(this::afterCompletion, STRAGGLER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void afterCompletion() {
            health.record(targets, answered);
            clean();
        }

        synchronized void timeOut() {
            if (result.completeExceptionally(new OrderingTimeoutException("no " + settings.replyQuorum()
                    + " matching replies within " + requestTimeout.toMillis() + " ms from replicas "
                    + Arrays.toString(targets)))) {
                health.record(targets, answered);
                clean();
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
