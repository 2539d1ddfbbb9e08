package fitmon.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import fitmon.broker.access.ConsoleTokens;
import fitmon.broker.lab.LabSetting;
import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.Misbehaviour;
import fitmon.broker.replication.BrokerMetrics;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.SigningProbe;
import fitmon.broker.state.StateFixture;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.event.EventJson;
import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFrame;
import fitmon.replication.OrderContext;
import fitmon.testkit.ConsoleTokenFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The delivery side of one replica against a real state machine and real console tokens (JWKS
 * over HTTP): the STOMP protocol, replay then live, urgency, slow consumers, system messages and
 * every refusal.
 */
class DeliveryHubTest {

    private static final String TAG = "host.cpu";
    private static final String CONSOLE = "console-1";
    private static ConsoleTokenFixture tokens;

    private final BrokerStateMachine sm = new BrokerStateMachine(StateFixture.config());
    private final ReplicatedBroker broker = new ReplicatedBroker(sm, new PrecomputedVerdicts(16),
            new BrokerMetrics(new SimpleMeterRegistry()));
    private final SigningProbe probe = SigningProbe.ed25519("web-01");
    private final SettableClock clock = new SettableClock(Instant.now());
    private final AtomicLong consensusIds = new AtomicLong();
    private final AtomicLong probeSeq = new AtomicLong();
    private final List<DeliveryHub> hubs = new ArrayList<>();

    @BeforeAll
    static void startRegistryKeys() throws Exception {
        tokens = new ConsoleTokenFixture();
    }

    @AfterAll
    static void stopRegistryKeys() {
        tokens.close();
    }

    @AfterEach
    void closeHubs() {
        hubs.forEach(DeliveryHub::close);
    }

    // ---------------------------------------------------------------- fixtures

    private DeliveryHub hub(int maxQueued, boolean alterEvents) {
        return hub(new DeliveryProperties(tokens.jwksUrl(), maxQueued, 100, 10, 10, 5, Duration.ofSeconds(10),
                List.of("*"), new DeliveryProperties.FaultInjection(alterEvents)), new SimpleMeterRegistry());
    }

    private DeliveryHub hub(DeliveryProperties properties, MeterRegistry registry) {
        return hub(properties, registry, properties.faultInjection().alterEvents()
                ? LabSwitches.fixed(2, new LabSetting(Misbehaviour.ALTER, null)) : LabSwitches.honest(2));
    }

    /** A hub of a replica in lab mode, told what to do through {@code lab}. */
    private DeliveryHub labHub(LabSwitches lab) {
        return hub(new DeliveryProperties(tokens.jwksUrl(), 100, 100, 10, 10, 5, Duration.ofSeconds(10),
                List.of("*"), new DeliveryProperties.FaultInjection(false)), new SimpleMeterRegistry(), lab);
    }

    private DeliveryHub hub(DeliveryProperties properties, MeterRegistry registry, LabSwitches lab) {
        DeliveryHub hub = new DeliveryHub(2, broker, new ConsoleTokens(tokens.jwksUrl()), properties, registry, clock,
                lab);
        broker.setListener(hub);
        hubs.add(hub);
        return hub;
    }

    /** A hub with small session limits: {@code maxSessions} consoles, {@code maxPending} sockets before CONNECT. */
    private DeliveryHub limitedHub(int maxQueuedControl, int maxSessions, int maxPending, MeterRegistry registry) {
        return hub(new DeliveryProperties(tokens.jwksUrl(), 100, maxQueuedControl, maxSessions, maxPending, 5,
                Duration.ofSeconds(10), List.of("*"), new DeliveryProperties.FaultInjection(false)), registry);
    }

    private void ordered(BrokerCommand command) {
        byte[] result = broker.executeOrdered(CommandCodec.encode(command),
                new OrderContext(consensusIds.incrementAndGet(), 0, StateFixture.at(consensusIds.get())));
        assertThat(ResultCodec.decode(result)).isNotInstanceOf(CommandResult.Rejected.class);
    }

    private void channel(String tag, ChannelClass channelClass, ChannelRetention retention) {
        ordered(StateFixture.channel(tag, channelClass, 10, 10, retention));
        ordered(new RegisterProbe(tag, probe.certificate()));
        ordered(new Subscribe(tag, CONSOLE));
    }

    private void channel(String tag, ChannelClass channelClass) {
        channel(tag, channelClass, ChannelRetention.DEFAULT);
    }

    /** Publishes {@code count} events (ordered or not, as the channel's class says); returns the last SEQ. */
    private long publish(String tag, ChannelClass channelClass, int count) {
        for (int i = 0; i < count; i++) {
            byte[] command = CommandCodec.encode(StateFixture.publish(tag, probe.signedBytes(tag, probeSeq.incrementAndGet())));
            byte[] result = channelClass.ordered()
                    ? broker.executeOrdered(command, new OrderContext(consensusIds.incrementAndGet(), 0,
                    StateFixture.at(consensusIds.get())))
                    : broker.executeUnordered(command);
            assertThat(ResultCodec.decode(result)).isNotInstanceOf(CommandResult.Rejected.class);
        }
        return probeSeq.get();
    }

    private static String send(ConsoleSession session, StompFrame frame) {
        String text = StompCodec.encode(frame);
        session.receive(text);
        return text;
    }

    private ConsoleSession connected(DeliveryHub hub, RecordingSink sink) throws InterruptedException {
        ConsoleSession session = hub.open(sink);
        send(session, StompFrame.of("CONNECT").header("accept-version", "1.1,1.2").header("host", "replica")
                .header("token", tokens.token(CONSOLE, List.of("host.*"), Instant.now().plusSeconds(300))).build());
        StompFrame connected = sink.next();
        assertThat(connected.command()).isEqualTo("CONNECTED");
        assertThat(connected.header("version")).isEqualTo("1.2");
        assertThat(connected.header("fitmon-replica")).isEqualTo("2");
        return session;
    }

    private static void subscribe(ConsoleSession session, String id, String tag, Long fromSeq) {
        send(session, StompFrame.of("SUBSCRIBE").header("id", id).header("destination", "/topic/channels/" + tag)
                .header("from-seq", fromSeq).build());
    }

    private static long channelSeq(StompFrame frame) {
        assertThat(frame.command()).as(frame.toString()).isEqualTo("MESSAGE");
        assertThat(frame.header("fitmon-type")).isEqualTo("delivery");
        JsonNode delivery = EventJson.readTree(frame.body());
        assertThat(delivery.get("channelSeq").asLong()).isEqualTo(Long.parseLong(frame.header("fitmon-channel-seq")));
        return delivery.get("channelSeq").asLong();
    }

    private static JsonNode body(StompFrame frame) {
        return EventJson.readTree(frame.body());
    }

    private static StompFrame error(RecordingSink sink, String code) throws InterruptedException {
        StompFrame frame = sink.next();
        while (!"ERROR".equals(frame.command())) {
            frame = sink.next();
        }
        assertThat(frame.header("fitmon-code")).isEqualTo(code);
        assertThat(body(frame).get("code").asString()).isEqualTo(code);
        return frame;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void liveDeliveriesCarryTheContractShapeInChannelOrder() throws Exception {
        channel(TAG, ChannelClass.BFT);
        publish(TAG, ChannelClass.BFT, 3);
        DeliveryHub hub = hub(100, false);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        send(session, StompFrame.of("SUBSCRIBE").header("id", "s1").header("destination", "/topic/channels/" + TAG)
                .header("receipt", "r1").build());
        assertThat(sink.next().header("receipt-id")).isEqualTo("r1");

        publish(TAG, ChannelClass.BFT, 2);

        List<StompFrame> frames = sink.next(2);
        assertThat(frames).extracting(DeliveryHubTest::channelSeq).containsExactly(4L, 5L);
        StompFrame first = frames.get(0);
        assertThat(first.header("subscription")).isEqualTo("s1");
        assertThat(first.header("destination")).isEqualTo("/topic/channels/" + TAG);
        JsonNode delivery = body(first);
        assertThat(delivery.get("replica").asInt()).isEqualTo(2);
        assertThat(delivery.get("tag").asString()).isEqualTo(TAG);
        assertThat(delivery.get("class").asString()).isEqualTo("BFT");
        assertThat(Instant.parse(delivery.get("orderedAt").asString())).isEqualTo(Instant.ofEpochMilli(StateFixture.at(consensusIds.get() - 1)));
        assertThat(EventJson.parse(delivery.get("event").toString())).isEqualTo(EventJson.parse(probe.signedBytes(TAG, 4)));
        assertThat(sink.poll(200)).as("nothing more").isNull();
    }

    @Test
    void fromSeqReplaysThenGoesLiveWithoutGapOrDuplicateWhilePublishingGoesOn() throws Exception {
        channel(TAG, ChannelClass.CFT_O);
        publish(TAG, ChannelClass.CFT_O, 700); // more than two replay pages
        DeliveryHub hub = hub(100_000, false);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);

        Thread publisher = new Thread(() -> publish(TAG, ChannelClass.CFT_O, 300));
        publisher.start();
        subscribe(session, "s1", TAG, 5L);
        publisher.join();

        List<Long> seqs = new ArrayList<>();
        for (StompFrame frame : sink.next(1000 - 4)) {
            seqs.add(channelSeq(frame));
        }
        List<Long> expected = new ArrayList<>();
        for (long seq = 5; seq <= 1000; seq++) {
            expected.add(seq);
        }
        assertThat(seqs).isEqualTo(expected);
        assertThat(sink.poll(200)).isNull();
    }

    @Test
    void fromSeqBeyondRetentionSaysSoAndStartsAtTheFirstRetainedEvent() throws Exception {
        channel(TAG, ChannelClass.BFT, new ChannelRetention(10, 1 << 20));
        publish(TAG, ChannelClass.BFT, 25);
        DeliveryHub hub = hub(100, false);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        subscribe(session, "s1", TAG, 3L);

        StompFrame gap = sink.next();
        assertThat(gap.header("fitmon-type")).isEqualTo("system");
        assertThat(body(gap).get("type").asString()).isEqualTo("RETENTION_GAP");
        assertThat(body(gap).get("requestedSeq").asLong()).isEqualTo(3);
        assertThat(body(gap).get("firstRetainedSeq").asLong()).isEqualTo(16);
        assertThat(sink.next(10)).extracting(DeliveryHubTest::channelSeq).containsExactly(16L, 17L, 18L, 19L, 20L, 21L,
                22L, 23L, 24L, 25L);
    }

    @Test
    void urgentDeliveriesOvertakeQueuedNonUrgentOnes() throws Exception {
        channel("host.bulk", ChannelClass.CFT_NO_NU);
        channel("host.alarm", ChannelClass.CFT_NO_U);
        DeliveryHub hub = hub(1000, false);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        subscribe(session, "bulk", "host.bulk", null);
        subscribe(session, "alarm", "host.alarm", null);

        sink.stall();
        publish("host.bulk", ChannelClass.CFT_NO_NU, 20);
        publish("host.alarm", ChannelClass.CFT_NO_U, 3);
        sink.resume();

        List<String> order = new ArrayList<>();
        for (StompFrame frame : sink.next(23)) {
            order.add(frame.header("subscription"));
        }
        // the first bulk delivery may already have been on its way when the alarms arrived
        int firstAlarm = order.indexOf("alarm");
        assertThat(firstAlarm).isLessThanOrEqualTo(1);
        assertThat(order.subList(firstAlarm, firstAlarm + 3)).containsOnly("alarm");
    }

    @Test
    void aConsoleThatStopsReadingIsCutOffAndToldWhereToResumeWhileOthersGetEverything() throws Exception {
        channel(TAG, ChannelClass.BFT);
        DeliveryHub hub = hub(20, false);
        RecordingSink slow = new RecordingSink();
        RecordingSink fast = new RecordingSink();
        ConsoleSession slowSession = connected(hub, slow);
        ConsoleSession fastSession = connected(hub, fast);
        subscribe(slowSession, "s1", TAG, null);
        subscribe(fastSession, "s1", TAG, null);
        slow.stall();
        publish(TAG, ChannelClass.BFT, 1);
        // the first delivery is stuck in the slow socket; the fast console already has it
        assertThat(channelSeq(fast.next())).isEqualTo(1);

        // in steps the fast console keeps up with, so that only the stalled one passes the bound of 20
        List<Long> fastSeqs = new ArrayList<>();
        for (int step = 0; step < 6; step++) {
            publish(TAG, ChannelClass.BFT, 10);
            for (StompFrame frame : fast.next(10)) {
                fastSeqs.add(channelSeq(frame));
            }
        }

        assertThat(fastSeqs).hasSize(60).first().isEqualTo(2L);
        assertThat(fastSeqs.get(59)).isEqualTo(61L);
        assertThat(slowSession.state()).isIn(ConsoleSession.State.CLOSING, ConsoleSession.State.CLOSED);
        slow.resume();
        assertThat(channelSeq(slow.next())).isEqualTo(1);
        StompFrame error = error(slow, "SLOW_CONSUMER");
        JsonNode resume = body(error).get("resume").get(0);
        assertThat(resume.get("subscription").asString()).isEqualTo("s1");
        assertThat(resume.get("tag").asString()).isEqualTo(TAG);
        // the first delivery was still on its way when the session was cut off: it is offered again
        assertThat(resume.get("nextSeq").asLong()).isEqualTo(1);
        slow.awaitClosed();
        assertThat(fastSession.state()).isEqualTo(ConsoleSession.State.CONNECTED);
    }

    @Test
    void channelRemovalReachesSubscribersAsASystemMessage() throws Exception {
        channel(TAG, ChannelClass.BFT);
        DeliveryHub hub = hub(100, false);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        subscribe(session, "s1", TAG, null);
        publish(TAG, ChannelClass.BFT, 1);
        ordered(new DeleteChannel(TAG));

        assertThat(channelSeq(sink.next())).isEqualTo(1);
        StompFrame removed = sink.next();
        assertThat(removed.header("fitmon-type")).isEqualTo("system");
        assertThat(body(removed).get("type").asString()).isEqualTo("CHANNEL_REMOVED");
        assertThat(body(removed).get("cause").asString()).isEqualTo("DELETED");
        assertThat(body(removed).get("replica").asInt()).isEqualTo(2);
    }

    @Test
    void theTestOnlyAlterationChangesTheDataAndKeepsTheSignature() throws Exception {
        channel(TAG, ChannelClass.BFT);
        DeliveryHub hub = hub(100, true);
        RecordingSink sink = new RecordingSink();
        subscribe(connected(hub, sink), "s1", TAG, null);
        publish(TAG, ChannelClass.BFT, 1);

        JsonNode event = body(sink.next()).get("event");
        JsonNode original = EventJson.readTree(new String(probe.signedBytes(TAG, 1)));
        assertThat(event.get("sig")).isEqualTo(original.get("sig"));
        assertThat(event.get("data")).isNotEqualTo(original.get("data"));
        assertThat(event.get("seq")).isEqualTo(original.get("seq"));
    }

    @Test
    void everyRefusalEndsTheSessionWithItsCode() throws Exception {
        channel(TAG, ChannelClass.BFT);
        ordered(StateFixture.channel("host.other", ChannelClass.BFT));
        DeliveryHub hub = hub(100, false);
        Instant later = Instant.now().plusSeconds(300);

        assertRefused(hub, "UNAUTHENTICATED", connect(null));
        assertRefused(hub, "UNAUTHENTICATED", connect("not.a.jwt"));
        assertRefused(hub, "UNAUTHENTICATED", connect(ConsoleTokenFixture.token("someone-else", CONSOLE, List.of("*"),
                later, tokens.key())));
        assertRefused(hub, "UNAUTHENTICATED", connect(ConsoleTokenFixture.token(ConsoleTokens.ISSUER, CONSOLE,
                List.of("*"), later, new ECKeyGenerator(Curve.P_256).keyID("unknown").generate())));
        assertRefused(hub, "TOKEN_EXPIRED", connect(tokens.token(CONSOLE, List.of("*"), Instant.now().minusSeconds(600))));
        assertRefused(hub, "UNSUPPORTED_VERSION", StompFrame.of("CONNECT").header("accept-version", "1.0")
                .header("token", tokens.token(CONSOLE, List.of("*"), later)).build());
        assertRefused(hub, "BAD_FRAME", StompFrame.of("SUBSCRIBE").header("id", "1").header("destination", "/x").build());

        assertRefusedAfterConnect(hub, "FORBIDDEN", subscribeFrame("s", "alerts", null));
        assertRefusedAfterConnect(hub, "CHANNEL_NOT_FOUND", subscribeFrame("s", "host.none", null));
        assertRefusedAfterConnect(hub, "NOT_SUBSCRIBED", subscribeFrame("s", "host.other", null));
        assertRefusedAfterConnect(hub, "INVALID_DESTINATION", StompFrame.of("SUBSCRIBE").header("id", "s")
                .header("destination", "/queue/host.cpu").build());
        assertRefusedAfterConnect(hub, "INVALID_DESTINATION", subscribeFrame("s", "bad tag", null));
        assertRefusedAfterConnect(hub, "INVALID_FROM_SEQ", StompFrame.of("SUBSCRIBE").header("id", "s")
                .header("destination", "/topic/channels/" + TAG).header("from-seq", "0").build());
        assertRefusedAfterConnect(hub, "INVALID_FROM_SEQ", StompFrame.of("SUBSCRIBE").header("id", "s")
                .header("destination", "/topic/channels/" + TAG).header("from-seq", "x").build());
        assertRefusedAfterConnect(hub, "BAD_FRAME", StompFrame.of("SEND").header("destination", "/topic/channels/" + TAG)
                .body("{}").build());
        assertRefusedAfterConnect(hub, "BAD_FRAME", StompFrame.of("SUBSCRIBE").header("destination", "/topic/channels/" + TAG)
                .build());

        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        send(session, subscribeFrame("s", TAG, null));
        send(session, subscribeFrame("s", TAG, null));
        error(sink, "DUPLICATE_SUBSCRIPTION");

        RecordingSink garbage = new RecordingSink();
        hub.open(garbage).receive("hello\n\n");
        error(garbage, "BAD_FRAME");
        garbage.awaitClosed();
    }

    @Test
    void silentConnectionsAndExpiredTokensAreEnded() throws Exception {
        channel(TAG, ChannelClass.BFT);
        DeliveryHub hub = hub(100, false);
        RecordingSink silent = new RecordingSink();
        hub.open(silent);
        RecordingSink expiring = new RecordingSink();
        ConsoleSession session = hub.open(expiring);
        send(session, connect(tokens.token(CONSOLE, List.of("*"), Instant.now().plusSeconds(60))));
        assertThat(expiring.next().command()).isEqualTo("CONNECTED");

        clock.advance(Duration.ofSeconds(11));
        error(silent, "CONNECT_TIMEOUT");
        clock.advance(Duration.ofSeconds(60));
        error(expiring, "TOKEN_EXPIRED");
        silent.awaitClosed();
        expiring.awaitClosed();
        assertThat(hub.openSessions()).isZero();
    }

    @Test
    void socketsThatNeverSendConnectTakeNoConsolesPlace() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        DeliveryHub hub = limitedHub(100, 1, 2, registry);
        List<RecordingSink> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            silent.add(new RecordingSink());
            hub.open(silent.get(i));
        }
        error(silent.get(0), "TOO_MANY_PENDING_CONNECTS");
        silent.get(0).awaitClosed();
        assertThat(silent.get(1).poll(100)).as("the younger silent sockets wait on").isNull();

        RecordingSink console = new RecordingSink();
        ConsoleSession session = connected(hub, console);
        error(silent.get(1), "TOO_MANY_PENDING_CONNECTS");
        assertThat(session.state()).isEqualTo(ConsoleSession.State.CONNECTED);

        RecordingSink second = new RecordingSink();
        ConsoleSession refused = hub.open(second);
        send(refused, connect(tokens.token(CONSOLE, List.of("*"), Instant.now().plusSeconds(60))));
        error(second, "TOO_MANY_SESSIONS");
        assertThat(registry.get("fitmon.delivery.sessions.ended").tag("code", "TOO_MANY_PENDING_CONNECTS").counter()
                .count()).isEqualTo(2);
    }

    @Test
    void aConsoleThatAsksForReceiptsWithoutReadingThemIsCutOff() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        DeliveryHub hub = limitedHub(5, 10, 10, registry);
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        sink.stall();
        for (int i = 0; i < 50; i++) {
            send(session, StompFrame.of("UNSUBSCRIBE").header("id", "s" + i).header("receipt", "r" + i).build());
        }
        assertThat(session.state()).isEqualTo(ConsoleSession.State.CLOSING);
        sink.resume();
        int receipts = 0;
        StompFrame frame = sink.next();
        while (!"ERROR".equals(frame.command())) {
            assertThat(frame.command()).isEqualTo("RECEIPT");
            receipts++;
            frame = sink.next();
        }
        assertThat(frame.header("fitmon-code")).isEqualTo("CONTROL_QUEUE_FULL");
        assertThat(receipts).as("receipts sent before the ERROR").isLessThanOrEqualTo(6);
        sink.awaitClosed();
        assertThat(registry.get("fitmon.delivery.sessions.ended").tag("code", "CONTROL_QUEUE_FULL").counter()
                .count()).isEqualTo(1);
    }

    private static StompFrame connect(String token) {
        return StompFrame.of("CONNECT").header("accept-version", "1.2").header("token", token).build();
    }

    private static StompFrame subscribeFrame(String id, String tag, Long fromSeq) {
        return StompFrame.of("SUBSCRIBE").header("id", id).header("destination", "/topic/channels/" + tag)
                .header("from-seq", fromSeq).build();
    }

    private static void assertRefused(DeliveryHub hub, String code, StompFrame frame) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = hub.open(sink);
        send(session, frame);
        error(sink, code);
        sink.awaitClosed();
        assertThat(session.state()).isEqualTo(ConsoleSession.State.CLOSED);
    }

    private void assertRefusedAfterConnect(DeliveryHub hub, String code, StompFrame frame) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        ConsoleSession session = connected(hub, sink);
        send(session, frame);
        error(sink, code);
        sink.awaitClosed();
    }

    /** A clock the test moves. */
    private static final class SettableClock extends Clock {
        private final AtomicReference<Instant> now;

        SettableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    // ---------------------------------------------------------------- lab mode

    private static JsonNode data(StompFrame frame) {
        return body(frame).get("event").get("data");
    }

    @Test
    void anEquivocatingReplicaSendsAlteredEventsToEverySecondConsoleOnly() throws Exception {
        channel(TAG, ChannelClass.BFT);
        LabSwitches lab = LabSwitches.lab(2);
        DeliveryHub hub = labHub(lab);
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        subscribe(connected(hub, first), "s1", TAG, null);
        subscribe(connected(hub, second), "s1", TAG, null);
        lab.set(new LabSetting(Misbehaviour.EQUIVOCATE, null));

        publish(TAG, ChannelClass.BFT, 1);

        JsonNode original = EventJson.readTree(new String(probe.signedBytes(TAG, 1))).get("data");
        assertThat(data(first.next())).isEqualTo(original);
        StompFrame toSecond = second.next();
        assertThat(data(toSecond)).isNotEqualTo(original);
        assertThat(body(toSecond).get("event").get("sig")).isNotNull();
    }

    @Test
    void aDroppingReplicaSendsNothingUntilItIsHonestAgain() throws Exception {
        channel(TAG, ChannelClass.BFT);
        LabSwitches lab = LabSwitches.lab(2);
        DeliveryHub hub = labHub(lab);
        RecordingSink sink = new RecordingSink();
        subscribe(connected(hub, sink), "s1", TAG, null);
        lab.set(new LabSetting(Misbehaviour.DROP, null));
        publish(TAG, ChannelClass.BFT, 2);

        lab.set(LabSetting.HONEST);
        publish(TAG, ChannelClass.BFT, 1);

        assertThat(channelSeq(sink.next())).isEqualTo(3);
    }

    @Test
    void aReorderingReplicaSwapsConsecutiveDeliveries() throws Exception {
        channel(TAG, ChannelClass.BFT);
        LabSwitches lab = LabSwitches.lab(2);
        DeliveryHub hub = labHub(lab);
        RecordingSink sink = new RecordingSink();
        subscribe(connected(hub, sink), "s1", TAG, null);
        lab.set(new LabSetting(Misbehaviour.REORDER, null));

        publish(TAG, ChannelClass.BFT, 4);

        assertThat(List.of(channelSeq(sink.next()), channelSeq(sink.next()), channelSeq(sink.next()),
                channelSeq(sink.next()))).containsExactly(2L, 1L, 4L, 3L);
    }

    @Test
    void aReplayingReplicaDeliversThePreviousEventInTheNewPosition() throws Exception {
        channel(TAG, ChannelClass.BFT);
        LabSwitches lab = LabSwitches.lab(2);
        DeliveryHub hub = labHub(lab);
        RecordingSink sink = new RecordingSink();
        subscribe(connected(hub, sink), "s1", TAG, null);
        publish(TAG, ChannelClass.BFT, 1);
        assertThat(body(sink.next()).get("event").get("seq").asLong()).isEqualTo(1);
        lab.set(new LabSetting(Misbehaviour.REPLAY, null));

        publish(TAG, ChannelClass.BFT, 1);

        StompFrame replayed = sink.next();
        assertThat(channelSeq(replayed)).isEqualTo(2);
        assertThat(body(replayed).get("event").get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void aDelayingReplicaSendsEachDeliveryNoSoonerThanItsDelay() throws Exception {
        channel(TAG, ChannelClass.BFT);
        LabSwitches lab = LabSwitches.lab(2);
        DeliveryHub hub = labHub(lab);
        RecordingSink sink = new RecordingSink();
        subscribe(connected(hub, sink), "s1", TAG, null);
        lab.set(new LabSetting(Misbehaviour.DELAY, Duration.ofMillis(400)));

        long start = System.nanoTime();
        publish(TAG, ChannelClass.BFT, 1);
        assertThat(channelSeq(sink.next())).isEqualTo(1);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void outsideLabModeTheBehaviourCannotChange() {
        LabSwitches production = LabSwitches.honest(2);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> production.set(new LabSetting(Misbehaviour.DROP, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in lab mode");
        assertThat(production.is(Misbehaviour.HONEST)).isTrue();
    }
}
