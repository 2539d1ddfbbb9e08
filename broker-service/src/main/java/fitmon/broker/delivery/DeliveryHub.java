package fitmon.broker.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.broker.access.ConsoleTokens;
import fitmon.broker.lab.LabSwitches;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.ChannelView;
import fitmon.broker.state.LoggedEvent;
import fitmon.broker.state.RemovalCause;
import fitmon.broker.state.StateListener;
import fitmon.core.channel.ChannelClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the state machine to the consoles' STOMP sessions on this replica: which sessions
 * follow which channel, replay of the retained log, live deliveries and system messages.
 */
public final class DeliveryHub implements StateListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryHub.class);
    static final int REPLAY_PAGE = 256;

    private final int replicaId;
    private final ReplicatedBroker broker;
    private final ConsoleTokens tokens;
    private final DeliveryProperties properties;
    private final FaultyDeliveries faulty;
    private final AtomicLong sessionsOpened = new AtomicLong();
    private final Clock clock;
    /** Every open WebSocket, for the timers and shutdown. */
    private final Set<ConsoleSession> sessions = ConcurrentHashMap.newKeySet();
    /** Sessions past CONNECT: at most {@code maxSessions}. */
    private final Set<ConsoleSession> connected = ConcurrentHashMap.newKeySet();
    /** Sessions still waiting for CONNECT, oldest first: at most {@code maxPendingConnects}; guarded by itself. */
    private final LinkedHashSet<ConsoleSession> pendingConnects = new LinkedHashSet<>();
    private final ConcurrentHashMap<String, Set<ChannelSubscription>> byTag = new ConcurrentHashMap<>();
    private final ExecutorService senders = Executors.newCachedThreadPool(daemon("fitmon-delivery-"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("fitmon-delivery-timer-"));
    private final Counter sent;
    private final Counter slowConsumers;
    private final MeterRegistry registry;

    /** @param lab what this replica does wrong (lab mode, or the test-only fault injection) */
    DeliveryHub(int replicaId, ReplicatedBroker broker, ConsoleTokens tokens, DeliveryProperties properties,
                MeterRegistry registry, Clock clock, LabSwitches lab) {
        this.replicaId = replicaId;
        this.broker = broker;
        this.tokens = tokens;
        this.properties = properties;
        this.faulty = new FaultyDeliveries(replicaId, lab, timers);
        this.clock = clock;
        this.registry = registry;
        this.sent = Counter.builder("fitmon.delivery.frames.sent").description("STOMP frames sent to consoles").register(registry);
        this.slowConsumers = Counter.builder("fitmon.delivery.slow.consumers")
                .description("sessions cut off because their send buffer overflowed").register(registry);
        Gauge.builder("fitmon.delivery.sessions", sessions, Set::size).description("open STOMP sessions").register(registry);
        Gauge.builder("fitmon.delivery.sessions.pending.connect", this, DeliveryHub::pendingConnects)
                .description("WebSockets that have not sent CONNECT yet").register(registry);
        timers.scheduleWithFixedDelay(this::checkTimers, 1, 1, TimeUnit.SECONDS);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---------------------------------------------------------------- sessions

    /**
     * A new WebSocket. Until it sends CONNECT it holds one of {@code maxPendingConnects} places,
     * apart from the sessions of consoles: when they are all taken, the socket that has waited
     * longest is closed with {@code TOO_MANY_PENDING_CONNECTS}. A console sends CONNECT at once,
     * so sockets that stay silent cannot keep it out.
     */
    ConsoleSession open(FrameSink sink) {
        ConsoleSession session = new ConsoleSession(UUID.randomUUID().toString(), sessionsOpened.getAndIncrement(), sink, this, properties.maxQueued(),
                properties.maxQueuedControl(), clock.instant());
        sessions.add(session);
        ConsoleSession longestWaiting = null;
        synchronized (pendingConnects) {
            pendingConnects.add(session);
            if (pendingConnects.size() > properties.maxPendingConnects()) {
                longestWaiting = pendingConnects.iterator().next();
                pendingConnects.remove(longestWaiting);
            }
        }
        if (longestWaiting != null) {
            longestWaiting.fail(DeliveryError.TOO_MANY_PENDING_CONNECTS, "more than "
                    + properties.maxPendingConnects() + " WebSockets were waiting to send CONNECT and this one had"
                    + " waited longest; send CONNECT right after the WebSocket opens");
        }
        return session;
    }

    /** A session that sent a valid CONNECT takes a console's place, if one is free. */
    void admitConnected(ConsoleSession session) throws DeliveryException {
        leftPendingConnect(session);
        synchronized (connected) {
            if (connected.size() >= properties.maxSessions()) {
                throw new DeliveryException(DeliveryError.TOO_MANY_SESSIONS, "this replica serves at most "
                        + properties.maxSessions() + " STOMP sessions; try again later");
            }
            connected.add(session);
        }
    }

    /** The session sent CONNECT or ended: it no longer holds a pending place. */
    void leftPendingConnect(ConsoleSession session) {
        synchronized (pendingConnects) {
            pendingConnects.remove(session);
        }
    }

    private int pendingConnects() {
        synchronized (pendingConnects) {
            return pendingConnects.size();
        }
    }

    void sessionClosed(ConsoleSession session) {
        leftPendingConnect(session);
        connected.remove(session);
        sessions.remove(session);
    }

    int openSessions() {
        return sessions.size();
    }

    private void checkTimers() {
        Instant now = clock.instant();
        for (ConsoleSession session : sessions) {
            session.checkTimers(now, properties.connectTimeout());
        }
    }

    /** Closes a session that was told to go but may not be reading, after a grace period. */
    void closeLater(ConsoleSession session) {
        timers.schedule(() -> senders.execute(session::closeNow), 5, TimeUnit.SECONDS);
    }

    void execute(Runnable task) {
        senders.execute(task);
    }

    // ---------------------------------------------------------------- subscriptions

    private record Subscribed(ChannelSubscription subscription, DeliveryException refusal) {
    }

    /**
     * Enters a subscription, atomically with respect to appends: from {@code fromSeq} it first
     * replays, otherwise it is live from the next event.
     */
    ChannelSubscription subscribe(ConsoleSession session, String id, String tag, Long fromSeq, String subject)
            throws DeliveryException {
        Subscribed result = broker.read(sm -> {
            Optional<ChannelView> found = sm.channel(tag);
            if (found.isEmpty()) {
                return new Subscribed(null, new DeliveryException(DeliveryError.CHANNEL_NOT_FOUND,
                        "no channel '" + tag + "' on replica " + replicaId));
            }
            ChannelView channel = found.get();
            if (!channel.subscribers().contains(subject)) {
                return new Subscribed(null, new DeliveryException(DeliveryError.NOT_SUBSCRIBED, "'" + subject
                        + "' is not subscribed to '" + tag + "': POST /api/v1/channels/" + tag + "/subscriptions first"));
            }
            ChannelSubscription subscription = new ChannelSubscription(session, id, tag, channel.channelClass());
            long last = channel.lastSeq();
            long firstRetained = channel.retainedEvents() > 0 ? channel.firstRetainedSeq() : last + 1;
            if (fromSeq == null) {
                subscription.nextSeq = last + 1;
                subscription.live = true;
            } else {
                if (fromSeq < firstRetained) {
                    session.controlSystem(subscription, DeliveryJson.retentionGap(replicaId, tag, fromSeq, firstRetained));
                }
                subscription.nextSeq = Math.max(fromSeq, firstRetained);
                subscription.live = false;
            }
            subscription.lastSentSeq = subscription.nextSeq - 1;
            byTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(subscription);
            return new Subscribed(subscription, null);
        });
        if (result.refusal() != null) {
            throw result.refusal();
        }
        return result.subscription();
    }

    /** The next page of a replaying subscription; the last, shorter page makes it live. */
    List<LoggedEvent> replayPage(ChannelSubscription subscription) {
        return broker.read(sm -> {
            if (subscription.ended) {
                return List.of();
            }
            List<LoggedEvent> page = sm.events(subscription.tag, subscription.nextSeq, REPLAY_PAGE);
            if (!page.isEmpty()) {
                subscription.nextSeq = page.get(page.size() - 1).channelSeq() + 1;
            }
            if (page.size() < REPLAY_PAGE) {
                subscription.live = true;
            }
            return page;
        });
    }

    void unsubscribe(ChannelSubscription subscription) {
        subscription.ended = true;
        Set<ChannelSubscription> subscriptions = byTag.get(subscription.tag);
        if (subscriptions != null) {
            subscriptions.remove(subscription);
        }
    }

    // ---------------------------------------------------------------- from the state machine

    @Override
    public void eventAppended(String tag, ChannelClass channelClass, LoggedEvent event) {
        Set<ChannelSubscription> subscriptions = byTag.get(tag);
        if (subscriptions == null || subscriptions.isEmpty()) {
            faulty.appended(tag, event);
            return;
        }
        if (!faulty.honest()) {
            faulty.deliver(tag, channelClass, event, subscriptions);
            return;
        }
        faulty.appended(tag, event);
        String body = null;
        for (ChannelSubscription subscription : subscriptions) {
            if (!subscription.live || subscription.ended || event.channelSeq() < subscription.nextSeq) {
                continue;
            }
            subscription.nextSeq = event.channelSeq() + 1;
            if (body == null) {
                body = DeliveryJson.delivery(replicaId, tag, channelClass, event, event.envelopeJson());
            }
            subscription.session.enqueueDelivery(subscription, event.channelSeq(), body);
        }
    }

    @Override
    public void channelRemoved(String tag, RemovalCause cause, List<String> subscribers, long atMillis) {
        Set<ChannelSubscription> subscriptions = byTag.remove(tag);
        if (subscriptions == null) {
            return;
        }
        String body = DeliveryJson.channelRemoved(replicaId, tag, cause, atMillis);
        for (ChannelSubscription subscription : subscriptions) {
            subscription.session.enqueueSystem(subscription, body, true);
        }
    }

    /** A delivery from the retained log (catch-up). */
    String deliveryBody(ChannelSubscription subscription, LoggedEvent event) {
        return faulty.honest()
                ? DeliveryJson.delivery(replicaId, subscription.tag, subscription.channelClass, event, event.envelopeJson())
                : faulty.body(subscription, event, null);
    }

    // ---------------------------------------------------------------- for sessions

    ConsoleTokens tokens() {
        return tokens;
    }

    int replicaId() {
        return replicaId;
    }

    int maxQueued() {
        return properties.maxQueued();
    }

    int maxQueuedControl() {
        return properties.maxQueuedControl();
    }

    int maxSubscriptions() {
        return properties.maxSubscriptions();
    }

    void sent() {
        sent.increment();
    }

    void slowConsumer(ConsoleSession session) {
        slowConsumers.increment();
    }

    void ended(DeliveryError error) {
        registry.counter("fitmon.delivery.sessions.ended", "code", error.name()).increment();
    }

    @Override
    public void close() {
        for (ConsoleSession session : sessions) {
            session.closeNow();
        }
        timers.shutdownNow();
        senders.shutdownNow();
        LOG.debug("delivery stopped");
    }
}
