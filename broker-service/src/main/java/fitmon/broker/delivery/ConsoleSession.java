package fitmon.broker.delivery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import fitmon.broker.access.ConsoleIdentity;
import fitmon.broker.access.TokenRefusedException;
import fitmon.broker.state.LoggedEvent;
import fitmon.core.channel.TagSyntax;
import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFormatException;
import fitmon.core.stomp.StompFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console's STOMP session on this replica: the protocol (CONNECT, SUBSCRIBE, UNSUBSCRIBE,
 * DISCONNECT) and its outbound side. Frames reach the socket only from this session's sender
 * task, so a console that reads slowly holds up nobody but itself; the state machine thread only
 * appends to the bounded {@link SessionOutbox}.
 *
 * <p>No method here takes a lock that the state machine thread could wait on: deliveries are
 * enqueued while the broker's write lock is held.
 */
final class ConsoleSession {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSession.class);
    static final String DESTINATION_PREFIX = "/topic/channels/";

    enum State { AWAITING_CONNECT, CONNECTED, CLOSING, CLOSED }

    final String id;
    /** Which session this is on this replica, counting from 0 (a lab replica equivocates on odd ones). */
    final long ordinal;
    private final FrameSink sink;
    private final DeliveryHub hub;
    private final SessionOutbox outbox;
    private final Instant openedAt;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_CONNECT);
    private final Map<String, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicLong messageIds = new AtomicLong();
    private volatile ConsoleIdentity identity;

    ConsoleSession(String id, long ordinal, FrameSink sink, DeliveryHub hub, int maxQueued, int maxQueuedControl,
                   Instant openedAt) {
        this.id = id;
        this.ordinal = ordinal;
        this.sink = sink;
        this.hub = hub;
        this.outbox = new SessionOutbox(maxQueued, maxQueuedControl);
        this.openedAt = openedAt;
    }

    State state() {
        return state.get();
    }

    // ---------------------------------------------------------------- inbound

    /** One WebSocket text message: one or more frames (or heart-beats). */
    void receive(String text) {
        if (state.get().compareTo(State.CONNECTED) > 0) {
            return;
        }
        List<StompFrame> frames;
        try {
            frames = StompCodec.decode(text);
        } catch (StompFormatException e) {
            fail(DeliveryError.BAD_FRAME, e.getMessage());
            return;
        }
        for (StompFrame frame : frames) {
            try {
                handle(frame);
            } catch (DeliveryException e) {
                fail(e.error(), e.getMessage());
            }
            if (state.get().compareTo(State.CONNECTED) > 0) {
                return;
            }
        }
    }

    private void handle(StompFrame frame) throws DeliveryException {
        String command = frame.command();
        if ("CONNECT".equals(command) || "STOMP".equals(command)) {
            connect(frame);
            return;
        }
        if (state.get() != State.CONNECTED) {
            throw new DeliveryException(DeliveryError.BAD_FRAME, "the first frame must be CONNECT, got " + command);
        }
        switch (command) {
            case "SUBSCRIBE" -> subscribe(frame);
            case "UNSUBSCRIBE" -> unsubscribe(frame);
            case "DISCONNECT" -> disconnect(frame);
            case "SEND" -> throw new DeliveryException(DeliveryError.BAD_FRAME,
                    "replicas take no SEND: events are published through the gateway's REST API");
            case "ACK", "NACK", "BEGIN", "COMMIT", "ABORT" -> throw new DeliveryException(DeliveryError.BAD_FRAME,
                    command + " is not supported: subscriptions are acknowledged automatically");
            default -> throw new DeliveryException(DeliveryError.BAD_FRAME, "unknown STOMP command " + command);
        }
    }

    private void connect(StompFrame frame) throws DeliveryException {
        if (state.get() != State.AWAITING_CONNECT) {
            throw new DeliveryException(DeliveryError.BAD_FRAME, "CONNECT sent twice in one session");
        }
        String versions = frame.header("accept-version");
        if (versions == null || !List.of(versions.split(",")).contains("1.2")) {
            throw new DeliveryException(DeliveryError.UNSUPPORTED_VERSION,
                    "this replica speaks STOMP 1.2 only; accept-version was " + versions);
        }
        try {
            identity = hub.tokens().verify(frame.header("token"), "CONNECT needs a 'token' header with");
        } catch (TokenRefusedException e) {
            throw new DeliveryException(e.expired() ? DeliveryError.TOKEN_EXPIRED : DeliveryError.UNAUTHENTICATED,
                    e.getMessage());
        }
        hub.admitConnected(this);
        if (!state.compareAndSet(State.AWAITING_CONNECT, State.CONNECTED)) {
            return;
        }
        control(StompFrame.of("CONNECTED").header("version", "1.2").header("heart-beat", "0,0")
                .header("session", id).header("server", "fitmon-broker/1")
                .header("fitmon-replica", hub.replicaId()).build(), false);
    }

    private void subscribe(StompFrame frame) throws DeliveryException {
        String subscriptionId = required(frame, "id");
        String destination = required(frame, "destination");
        if (subscriptions.containsKey(subscriptionId)) {
            throw new DeliveryException(DeliveryError.DUPLICATE_SUBSCRIPTION,
                    "subscription id '" + subscriptionId + "' is already in use in this session");
        }
        if (subscriptions.size() >= hub.maxSubscriptions()) {
            throw new DeliveryException(DeliveryError.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + hub.maxSubscriptions() + " subscriptions per session");
        }
        String tag = destination.startsWith(DESTINATION_PREFIX) ? destination.substring(DESTINATION_PREFIX.length()) : null;
        if (tag == null || !TagSyntax.isValid(tag)) {
            throw new DeliveryException(DeliveryError.INVALID_DESTINATION,
                    "destination must be " + DESTINATION_PREFIX + "{tag} with a tag of " + TagSyntax.rule() + ", got " + destination);
        }
        if (!identity.maySubscribe(tag)) {
            throw new DeliveryException(DeliveryError.FORBIDDEN,
                    "the console token of '" + identity.subject() + "' does not allow channel '" + tag + "'");
        }
        ChannelSubscription subscription = hub.subscribe(this, subscriptionId, tag, fromSeq(frame), identity.subject());
        subscriptions.put(subscriptionId, subscription);
        String receipt = frame.header("receipt");
        if (receipt != null) {
            control(StompFrame.of("RECEIPT").header("receipt-id", receipt).build(), false);
        }
        startSending();
    }

    private static Long fromSeq(StompFrame frame) throws DeliveryException {
        String value = frame.header("from-seq");
        if (value == null) {
            return null;
        }
        try {
            long seq = Long.parseLong(value.trim());
            if (seq >= 1) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new DeliveryException(DeliveryError.INVALID_FROM_SEQ, "from-seq must be an integer of at least 1, got " + value);
    }

    private void unsubscribe(StompFrame frame) throws DeliveryException {
        ChannelSubscription subscription = subscriptions.remove(required(frame, "id"));
        if (subscription != null) {
            hub.unsubscribe(subscription);
        }
        String receipt = frame.header("receipt");
        if (receipt != null) {
            control(StompFrame.of("RECEIPT").header("receipt-id", receipt).build(), false);
        }
    }

    private void disconnect(StompFrame frame) {
        String receipt = frame.header("receipt");
        endSubscriptions();
        if (state.compareAndSet(State.CONNECTED, State.CLOSING)) {
            if (receipt != null) {
                control(StompFrame.of("RECEIPT").header("receipt-id", receipt).build(), true);
            } else {
                closeNow();
            }
        }
    }

    private static String required(StompFrame frame, String header) throws DeliveryException {
        String value = frame.header(header);
        if (value == null || value.isEmpty()) {
            throw new DeliveryException(DeliveryError.BAD_FRAME, frame.command() + " needs a '" + header + "' header");
        }
        return value;
    }

    // ---------------------------------------------------------------- from the state machine

    /** Called with the broker's write lock held: queue only. */
    void enqueueDelivery(ChannelSubscription subscription, long channelSeq, String body) {
        if (state.get() != State.CONNECTED || subscription.ended) {
            return;
        }
        String frame = message(subscription, "delivery", channelSeq, body);
        if (!outbox.offerDelivery(new SessionOutbox.Item(frame, subscription, channelSeq, false), subscription.urgent())) {
            hub.slowConsumer(this);
            List<DeliveryJson.Resume> resume = new ArrayList<>();
            for (ChannelSubscription s : subscriptions.values()) {
                resume.add(new DeliveryJson.Resume(s.id, s.tag, s.lastSentSeq + 1));
            }
            fail(DeliveryError.SLOW_CONSUMER, "more than " + hub.maxQueued() + " deliveries were waiting for this"
                    + " console; reconnect and subscribe with from-seq to resume", resume);
            return;
        }
        startSending();
    }

    /** A system message for one subscription, queued behind its deliveries. */
    void enqueueSystem(ChannelSubscription subscription, String body, boolean ends) {
        if (state.get() == State.CONNECTED
                && outbox.offerDelivery(new SessionOutbox.Item(message(subscription, "system", -1, body),
                        null, 0, false), subscription.urgent())) {
            startSending();
        }
        if (ends) {
            subscription.ended = true;
            subscriptions.remove(subscription.id, subscription);
        }
    }

    /** A system message that must precede anything else the subscription gets (a retention gap). */
    void controlSystem(ChannelSubscription subscription, String body) {
        control(StompFrame.of("MESSAGE").header("subscription", subscription.id)
                .header("message-id", id + "-" + messageIds.incrementAndGet())
                .header("destination", DESTINATION_PREFIX + subscription.tag)
                .header("content-type", "application/json").header("fitmon-type", "system").body(body).build(), false);
    }

    private String message(ChannelSubscription subscription, String type, long channelSeq, String body) {
        StompFrame.Builder frame = StompFrame.of("MESSAGE").header("subscription", subscription.id)
                .header("message-id", id + "-" + messageIds.incrementAndGet())
                .header("destination", DESTINATION_PREFIX + subscription.tag)
                .header("content-type", "application/json").header("fitmon-type", type);
        if (channelSeq >= 0) {
            frame.header("fitmon-channel-seq", channelSeq);
        }
        return StompCodec.encode(frame.body(body).build());
    }

    // ---------------------------------------------------------------- timers and ending

    /** Called every second: CONNECT deadline and token expiry. */
    void checkTimers(Instant now, Duration connectTimeout) {
        State current = state.get();
        if (current == State.AWAITING_CONNECT && now.isAfter(openedAt.plus(connectTimeout))) {
            fail(DeliveryError.CONNECT_TIMEOUT, "no CONNECT within " + connectTimeout.toSeconds() + " s");
        } else if (current == State.CONNECTED && identity != null && !now.isBefore(identity.expiresAt())) {
            fail(DeliveryError.TOKEN_EXPIRED, "the console token expired at " + identity.expiresAt()
                    + "; reconnect with a fresh token and from-seq");
        }
    }

    void fail(DeliveryError error, String detail) {
        fail(error, detail, List.of());
    }

    private void fail(DeliveryError error, String detail, List<DeliveryJson.Resume> resume) {
        State previous = state.getAndUpdate(s -> s.compareTo(State.CLOSING) >= 0 ? s : State.CLOSING);
        if (previous.compareTo(State.CLOSING) >= 0) {
            return;
        }
        hub.leftPendingConnect(this);
        outbox.dropDeliveries();
        endSubscriptions();
        if (previous == State.AWAITING_CONNECT && error.unauthenticatedCrowd()) {
            // sockets that never said who they are: counted, not logged one by one
            LOG.debug("STOMP session {} ({}) ended: {}: {}", id, sink.describe(), error, detail);
        } else {
            LOG.info("STOMP session {} ({}{}) ended: {}: {}", id, sink.describe(),
                    identity == null ? "" : ", " + identity.subject(), error, detail);
        }
        hub.ended(error);
        control(StompFrame.of("ERROR").header("message", error + ": " + firstLine(detail))
                .header("fitmon-code", error).header("content-type", "application/json")
                .body(DeliveryJson.error(error, detail, resume)).build(), true);
        // a console that does not read may never take the ERROR frame
        hub.closeLater(this);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** The WebSocket is gone (closed by the console, or by us). */
    void closed() {
        state.set(State.CLOSED);
        endSubscriptions();
        outbox.dropDeliveries();
        hub.sessionClosed(this);
    }

    void closeNow() {
        if (state.getAndSet(State.CLOSED) != State.CLOSED) {
            endSubscriptions();
            hub.sessionClosed(this);
            sink.close();
        }
    }

    private void endSubscriptions() {
        for (ChannelSubscription subscription : subscriptions.values()) {
            hub.unsubscribe(subscription);
        }
        subscriptions.clear();
    }

    // ---------------------------------------------------------------- outbound

    /** Queues a control frame; one that ends the session always fits, others past the bound end it. */
    private void control(StompFrame frame, boolean closeAfter) {
        SessionOutbox.Item item = SessionOutbox.Item.control(StompCodec.encode(frame), closeAfter);
        if (closeAfter) {
            outbox.offerLast(item);
        } else if (!outbox.offerControl(item)) {
            fail(DeliveryError.CONTROL_QUEUE_FULL, "more than " + hub.maxQueuedControl() + " control frames"
                    + " (receipts, notices) were waiting for this console: it sends frames but does not read");
            return;
        }
        startSending();
    }

    private void startSending() {
        if (sending.compareAndSet(false, true)) {
            hub.execute(this::sendWhatIsWaiting);
        }
    }

    private void sendWhatIsWaiting() {
        try {
            while (true) {
                SessionOutbox.Item item = outbox.poll();
                if (item != null) {
                    if (!send(item)) {
                        return;
                    }
                    continue;
                }
                ChannelSubscription replaying = replaying();
                if (replaying != null) {
                    if (!replayPage(replaying)) {
                        return;
                    }
                    continue;
                }
                sending.set(false);
                if ((outbox.isEmpty() && replaying() == null) || !sending.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("STOMP session {}: sending failed", id, e);
            closeNow();
        }
    }

    private ChannelSubscription replaying() {
        if (state.get() != State.CONNECTED) {
            return null;
        }
        for (ChannelSubscription subscription : subscriptions.values()) {
            if (!subscription.live && !subscription.ended) {
                return subscription;
            }
        }
        return null;
    }

    private boolean replayPage(ChannelSubscription subscription) {
        for (LoggedEvent event : hub.replayPage(subscription)) {
            String frame = message(subscription, "delivery", event.channelSeq(),
                    hub.deliveryBody(subscription, event));
            if (!send(new SessionOutbox.Item(frame, subscription, event.channelSeq(), false))) {
                return false;
            }
        }
        return true;
    }

    /** False when the session is finished and nothing more should be sent. */
    private boolean send(SessionOutbox.Item item) {
        if (state.get() == State.CLOSED) {
            return false;
        }
        try {
            sink.send(item.frame());
        } catch (IOException | IllegalStateException e) {
            LOG.debug("STOMP session {}: send failed: {}", id, e.toString());
            closeNow();
            return false;
        }
        hub.sent();
        if (item.subscription() != null) {
            item.subscription().lastSentSeq = item.channelSeq();
        }
        if (item.closeAfter()) {
            closeNow();
            return false;
        }
        return true;
    }
}
