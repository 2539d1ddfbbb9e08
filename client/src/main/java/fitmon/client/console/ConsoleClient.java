package fitmon.client.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.core.channel.ChannelClass;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.BatchVerdictCache;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;
import fitmon.core.stomp.StompFrame;
import fitmon.core.vote.Digest;
import fitmon.core.vote.Disagreement;
import fitmon.core.vote.ReplicaStats;
import fitmon.core.vote.VoteKey;
import fitmon.core.vote.VoteOutcome;
import fitmon.core.vote.Voter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A voting subscriber: connects to every replica the gateway lists, subscribes to channels on all
 * of them, and shows an event only when the vote says so (f+1 identical copies for {@code BFT},
 * the first copy for the other classes), with its probe signature checked, exactly once and in
 * channel order. Replicas that send other copies are reported; lost sessions are resumed with
 * {@code from-seq} so nothing is missed.
 */
public final class ConsoleClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(30);

    private final GatewayClient gateway;
    private final ConsoleListener listener;
    private final int n;
    private final int f;
    private final Voter<DeliveryFrame> voter;
    private final List<ReplicaLink> links = new ArrayList<>();
    private final Map<String, ChannelFeed> feeds = new ConcurrentHashMap<>();
    private final Set<Integer> disagreeing = ConcurrentHashMap.newKeySet();
    /** Events a probe signed as a batch share one signature: checked once per batch. */
    private final BatchVerdictCache batchVerdicts = new BatchVerdictCache(1024);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fitmon-console-reconnect");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newHttpClient();
    private final Object deliveryLock = new Object();
    private String token;
    private Instant tokenExpires = Instant.MIN;

    private ConsoleClient(GatewayClient gateway, ConsoleListener listener, JsonNode cluster) {
        this.gateway = gateway;
        this.listener = listener;
        this.n = cluster.get("n").asInt();
        this.f = cluster.get("f").asInt();
        this.voter = new Voter<>(n, f, Voter.DEFAULT_MAX_TRACKED_KEYS, this::disagreement);
        for (JsonNode replica : cluster.get("replicas")) {
            links.add(new ReplicaLink(replica.get("id").asInt(), URI.create(replica.get("stompUrl").asString()), this,
                    http, scheduler));
        }
    }

    /**
     * Reads the cluster from the gateway ({@code GET /api/v1/cluster}), gets a console token with
     * the client's API key and connects to every replica.
     */
    public static ConsoleClient open(GatewayClient gateway, ConsoleListener listener) {
        ConsoleClient client = new ConsoleClient(gateway, listener, gateway.get("/api/v1/cluster"));
        client.token();
        client.links.forEach(ReplicaLink::connect);
        return client;
    }

    /** Follows a channel from its next event. */
    public void subscribe(String tag) {
        subscribe(tag, 0);
    }

    /**
     * Follows a channel; for the ordered classes from channel sequence {@code fromSeq} (0: from the
     * next event). Enters the replicated subscription table first (already being there is fine).
     */
    public void subscribe(String tag, long fromSeq) {
        try {
            gateway.post("/api/v1/channels/" + tag + "/subscriptions", null, false);
        } catch (GatewayProblemException e) {
            if (!"ALREADY_SUBSCRIBED".equals(e.code())) {
                throw e;
            }
        }
        JsonNode channel = gateway.get("/api/v1/channels/" + tag);
        ChannelClass channelClass = ChannelClass.valueOf(channel.get("class").asString());
        long start = fromSeq > 0 ? fromSeq : channel.path("lastSeq").asLong(0) + 1;
        ChannelFeed feed = new ChannelFeed(tag, channelClass, start, n);
        readKeys(feed, channel);
        feeds.put(tag, feed);
        links.forEach(link -> link.subscribe(tag));
    }

    public int n() {
        return n;
    }

    public int f() {
        return f;
    }

    /** Replicas that sent at least one copy different from the voted one. */
    public Set<Integer> disagreeingReplicas() {
        return Set.copyOf(disagreeing);
    }

    /** Replicas that sent nothing for {@code quietFor} while others did. */
    public Set<Integer> silentReplicas(Duration quietFor) {
        return voter.silentReplicas(quietFor);
    }

    public Map<Integer, ReplicaStats> replicaStats() {
        return voter.replicaStats();
    }

    @Override
    public void close() {
        links.forEach(ReplicaLink::close);
        scheduler.shutdownNow();
    }

    // ---------------------------------------------------------------- for the replica links

    /** A valid console token, fetched again shortly before it expires. */
    synchronized String token() {
        if (token == null || Instant.now().plus(TOKEN_MARGIN).isAfter(tokenExpires)) {
            JsonNode answer = gateway.post("/api/v1/tokens", null, true);
            token = answer.get("token").asString();
            tokenExpires = Instant.parse(answer.get("expiresAt").asString());
        }
        return token;
    }

    List<String> tags() {
        return List.copyOf(feeds.keySet());
    }

    Long resumePoint(String tag, int replica) {
        ChannelFeed feed = feeds.get(tag);
        synchronized (deliveryLock) {
            return feed == null ? null : feed.resumePoint(replica);
        }
    }

    void status(int replica, String status, String detail) {
        listener.onReplicaStatus(replica, status, detail);
    }

    void message(int replica, StompFrame frame) {
        if ("system".equals(frame.header("fitmon-type"))) {
            JsonNode body;
            try {
                body = JSON.readTree(frame.body());
            } catch (RuntimeException e) {
                status(replica, "protocol-error", "a MESSAGE whose body is not JSON");
                return;
            }
            system(replica, body);
            return;
        }
        DeliveryFrame delivery;
        try {
            delivery = DeliveryFrame.read(JSON, frame.body());
        } catch (IllegalArgumentException e) {
            status(replica, "protocol-error", "a MESSAGE whose body is not a JSON object");
            return;
        }
        ChannelFeed feed = delivery == null ? null : feeds.get(delivery.tag());
        if (feed == null) {
            return;
        }
        VoteKey key;
        if (feed.channelClass.ordered()) {
            key = VoteKey.ordered(feed.tag, delivery.channelSeq());
        } else if (delivery.probeId() != null && delivery.seq() > 0) {
            key = VoteKey.unordered(feed.tag, delivery.probeId(), delivery.seq());
        } else {
            return; // only a faulty replica sends this
        }
        synchronized (deliveryLock) {
            feed.lastFromReplica[replica] = Math.max(feed.lastFromReplica[replica], delivery.channelSeq());
            // hashed as sent: honest replicas send identical canonical bytes; only the winning copy is parsed
            VoteOutcome<DeliveryFrame> outcome = voter.offer(replica, key, Digest.sha256(delivery.eventJson()), delivery,
                    Voter.threshold(feed.channelClass, f));
            if (outcome instanceof VoteOutcome.Released<DeliveryFrame> released && released.value() != null) {
                DeliveryFrame value = released.value();
                Event event;
                try {
                    event = EventJson.parse(value.eventJson());
                } catch (MalformedEventException e) {
                    // f+1 replicas sent the same malformed envelope: not possible with at most f faulty ones
                    status(replica, "protocol-error", "replicas " + released.replicasAgreeing()
                            + " agreed on an envelope that is not one: " + e.getMessage());
                    return;
                }
                VotedEvent voted = new VotedEvent(feed.tag, feed.channelClass, value.channelSeq(),
                        parseInstant(value.orderedAt()), event, new String(value.eventJson(), StandardCharsets.UTF_8),
                        released.votes(), n, released.replicasAgreeing(), signature(feed, event));
                feed.released(voted, listener::onEvent);
            }
        }
    }

    private void system(int replica, JsonNode body) {
        listener.onSystem(replica, body);
        ChannelFeed feed = feeds.get(body.path("tag").asString(""));
        if (feed != null && "RETENTION_GAP".equals(body.path("type").asString("")) && feed.channelClass.ordered()) {
            synchronized (deliveryLock) {
                feed.gap(replica, body.path("firstRetainedSeq").asLong(0), Voter.threshold(feed.channelClass, f),
                        listener::onEvent);
            }
        }
    }

    private void disagreement(Disagreement disagreement) {
        disagreeing.add(disagreement.replica());
        listener.onDisagreement(disagreement);
    }

    private SignatureStatus signature(ChannelFeed feed, Event event) {
        if (event.sig() == null) {
            return SignatureStatus.UNSIGNED;
        }
        VerificationKey key = feed.probeKeys.get(event.probeId());
        if (key == null && refreshKeysFor(feed, event.probeId())) {
            key = feed.probeKeys.get(event.probeId());
        }
        if (key == null) {
            return SignatureStatus.UNKNOWN_PROBE;
        }
        return batchVerdicts.verify(event, key) == EventSigning.Verdict.VALID ? SignatureStatus.VERIFIED
                : SignatureStatus.INVALID;
    }

    /** A probe registered after we subscribed: read the channel again, at most every 10 s per probe. */
    private boolean refreshKeysFor(ChannelFeed feed, String probeId) {
        Instant last = feed.keyRefreshes.get(probeId);
        if (last != null && last.plusSeconds(10).isAfter(Instant.now())) {
            return false;
        }
        feed.keyRefreshes.put(probeId, Instant.now());
        try {
            readKeys(feed, gateway.get("/api/v1/channels/" + feed.tag));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void readKeys(ChannelFeed feed, JsonNode channel) {
        for (JsonNode probe : channel.path("probeKeys")) {
            try {
                feed.probeKeys.put(probe.get("probeId").asString(),
                        VerificationKey.fromSpki(Base64.getDecoder().decode(probe.get("publicKey").asString())));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // a key the replicas agreed on but we cannot use: its events show as UNKNOWN_PROBE
            }
        }
    }

    private static Instant parseInstant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
