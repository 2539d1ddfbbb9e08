package fitmon.client.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.client.http.GatewayResponse;
import fitmon.core.channel.TagSyntax;
import fitmon.core.command.CommandCodec;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe's side of fitmon: registers to channels and publishes events signed with its key, each
 * with the next SEQ of its persistent counter.
 *
 * <p>A publish that gets no answer, a 429 or a 5xx is sent again with the very same envelopes (same
 * SEQ, same timestamp, same signature) under the gateway client's retry policy. If an earlier attempt
 * had in fact been ordered, the brokers refuse the copy as SEQ_NOT_INCREASING; after a lost answer
 * that refusal is reported as {@link PublishResult.Status#DUPLICATE}, so nothing is logged twice and
 * the caller learns that the event is in.
 *
 * <p>Publishing is serialised per probe directory (threads and processes alike), because the
 * brokers accept a probe's events only in increasing SEQ order. Batch for throughput.
 *
 * <p>{@link #withBatchSignatures()} signs each request of several events once, over the Merkle
 * root of its events ({@code sig.batch}): replicas and consoles then check one signature per
 * request instead of one per event. Consoles that predate batch signatures cannot verify such
 * events, so it is a choice, not the default.
 */
public final class ProbeClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SEQ_NOT_INCREASING = "SEQ_NOT_INCREASING";

    private final ProbeCredentials credentials;
    private final MessageSigner signer;
    private final SequenceFile sequence;
    private final GatewayClient gateway;
    private final Clock clock;
    private final boolean batchSignatures;

    /**
     * @param gateway a client signing with the probe's API key
     */
    public ProbeClient(ProbeCredentials credentials, SequenceFile sequence, GatewayClient gateway) {
        this(credentials, sequence, gateway, Clock.systemUTC());
    }

    ProbeClient(ProbeCredentials credentials, SequenceFile sequence, GatewayClient gateway, Clock clock) {
        this(credentials, sequence, gateway, clock, false);
    }

    private ProbeClient(ProbeCredentials credentials, SequenceFile sequence, GatewayClient gateway, Clock clock,
            boolean batchSignatures) {
        this.batchSignatures = batchSignatures;
        this.credentials = Objects.requireNonNull(credentials);
        this.signer = credentials.signer();
        this.sequence = Objects.requireNonNull(sequence);
        this.gateway = Objects.requireNonNull(gateway);
        this.clock = clock;
        if (gateway.apiKey() == null) {
            throw new IllegalArgumentException("a probe calls the gateway with its API key; the gateway client has none");
        }
    }

    /**
     * The probe of an enrolled directory. The API key is {@code gateway}'s when it has one, else the
     * one stored in the directory.
     */
    public static ProbeClient open(Path directory, GatewayClient gateway) throws IOException {
        ProbeDirectory probe = new ProbeDirectory(directory);
        ProbeCredentials credentials = probe.credentials();
        GatewayClient signed = gateway;
        if (gateway.apiKey() == null) {
            ApiKey stored = probe.apiKey();
            if (stored == null) {
                throw new IOException("no API key for probe " + credentials.probeId() + ": give one, or store it in "
                        + probe.apiKeyFile());
            }
            signed = gateway.withApiKey(stored);
        }
        return new ProbeClient(credentials, probe.sequence(), signed);
    }

    /** The same probe, signing each request of several events with one batch signature. */
    public ProbeClient withBatchSignatures() {
        return new ProbeClient(credentials, sequence, gateway, clock, true);
    }

    public String probeId() {
        return credentials.probeId();
    }

    public ProbeCredentials credentials() {
        return credentials;
    }

    /** The last SEQ handed out (0 before the first event). */
    public long lastSeq() {
        try {
            return sequence.last();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Register_to_Channel: the brokers learn this probe's certified key for the channel. Idempotent. */
    public void register(String tag) {
        gateway.post(path(tag, "registrations"), null, true);
    }

    /** Publishes one event. */
    public PublishResult publish(String tag, JsonNode data) {
        return publish(tag, List.of(data)).get(0);
    }

    /**
     * Publishes events in order, as few requests as the gateway's batch limit allows.
     *
     * @return one result per event, in the order given
     * @throws GatewayProblemException when the gateway refuses a request as a whole (the results of
     *                                 requests before it are lost to the caller; their events are in)
     */
    public List<PublishResult> publish(String tag, List<? extends JsonNode> data) {
        requireTag(tag);
        for (JsonNode d : data) {
            if (d == null || !d.isObject()) {
                throw new IllegalArgumentException("event data must be a JSON object");
            }
        }
        List<PublishResult> results = new ArrayList<>(data.size());
        for (int from = 0; from < data.size(); from += CommandCodec.MAX_BATCH) {
            List<? extends JsonNode> chunk = data.subList(from, Math.min(data.size(), from + CommandCodec.MAX_BATCH));
            results.addAll(publishBatch(tag, chunk));
        }
        return results;
    }

    private List<PublishResult> publishBatch(String tag, List<? extends JsonNode> data) {
        try {
            return sequence.exclusively(() -> {
                long first = sequence.reserve(data.size());
                String ts = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
                List<Event> events = new ArrayList<>(data.size());
                for (int i = 0; i < data.size(); i++) {
                    events.add(new Event(credentials.probeId(), tag, first + i, ts, data.get(i).deepCopy(), null));
                }
                return send(tag, batchSignatures ? EventSigning.signBatch(events, signer)
                        : EventSigning.signEach(events, signer));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The envelope as this probe signs it: JCS bytes of everything but {@code sig}. */
    Event sign(String tag, long seq, String ts, JsonNode data) {
        return EventSigning.sign(new Event(credentials.probeId(), tag, seq, ts, data.deepCopy(), null), signer);
    }

    /** The publish request body: one envelope, or {@code {"events":[...]}}. */
    public static byte[] body(List<Event> events) {
        if (events.size() == 1) {
            return EventJson.toBytes(events.get(0));
        }
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode array = batch.putArray("events");
        for (Event event : events) {
            array.add(EventJson.toTree(event, true));
        }
        return JSON.writeValueAsBytes(batch);
    }

    private List<PublishResult> send(String tag, List<Event> events) {
        boolean[] answerLost = {false};
        try {
            GatewayResponse response = gateway.send("POST", path(tag, "events"), body(events), true,
                    attempt -> answerLost[0] = true);
            return results(events, response.json(), answerLost[0]);
        } catch (GatewayProblemException problem) {
            // none accepted: on a resend that is what an earlier, ordered attempt leaves behind
            if (answerLost[0] && SEQ_NOT_INCREASING.equals(problem.code())) {
                List<PublishResult> duplicates = new ArrayList<>();
                for (Event event : events) {
                    duplicates.add(new PublishResult(event.seq(), PublishResult.Status.DUPLICATE, null, null,
                            SEQ_NOT_INCREASING, problem.detail()));
                }
                return duplicates;
            }
            throw problem;
        }
    }

    static List<PublishResult> results(List<Event> events, JsonNode body, boolean resent) {
        JsonNode array = body.get("results");
        if (array == null || !array.isArray() || array.size() != events.size()) {
            throw new IllegalStateException("the gateway answered " + events.size() + " events with " + body);
        }
        List<PublishResult> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode r = array.get(i);
            long seq = events.get(i).seq();
            String status = text(r, "status");
            String code = text(r, "code");
            if ("APPENDED".equals(status)) {
                out.add(new PublishResult(seq, PublishResult.Status.APPENDED, r.get("channelSeq").asLong(),
                        text(r, "orderedAt"), null, null));
            } else if ("QUEUED".equals(status)) {
                out.add(new PublishResult(seq, PublishResult.Status.QUEUED, null, null, null, null));
            } else if (resent && SEQ_NOT_INCREASING.equals(code)) {
                out.add(new PublishResult(seq, PublishResult.Status.DUPLICATE, null, null, code, text(r, "detail")));
            } else {
                out.add(new PublishResult(seq, PublishResult.Status.REFUSED, null, null, code, text(r, "detail")));
            }
        }
        return out;
    }

    private static String path(String tag, String what) {
        requireTag(tag);
        return "/api/v1/channels/" + tag + "/" + what;
    }

    private static void requireTag(String tag) {
        if (!TagSyntax.isValid(tag)) {
            throw new IllegalArgumentException("TAG '" + tag + "' is not valid: " + TagSyntax.rule());
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.asString() : null;
    }
}
