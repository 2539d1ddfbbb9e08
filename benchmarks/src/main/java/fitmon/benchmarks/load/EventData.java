package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.List;

import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSignature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code data} objects of generated events: five host metrics and a {@code note} string sized
 * so that the whole signed envelope (probe id, tag, SEQ, timestamp, signature) is close to the
 * target number of bytes.
 */
final class EventData {

    private static final String ED25519_SIGNATURE_SAMPLE = "A".repeat(86);

    private final JsonNode data;
    private final int envelopeBytes;

    private EventData(JsonNode data, int envelopeBytes) {
        this.data = data;
        this.envelopeBytes = envelopeBytes;
    }

    /** Data for events of {@code probeId} on {@code tag} whose envelopes take about {@code targetBytes}. */
    static EventData sized(String probeId, String tag, int targetBytes) {
        int note = 0;
        int size = size(probeId, tag, data(note));
        note = Math.max(0, targetBytes - size);
        JsonNode data = data(note);
        return new EventData(data, size(probeId, tag, data));
    }

    int envelopeBytes() {
        return envelopeBytes;
    }

    /** The same data {@code count} times (events of one request). */
    List<JsonNode> batch(int count) {
        List<JsonNode> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(data);
        }
        return batch;
    }

    private static JsonNode data(int noteChars) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("load1", 0.42);
        data.put("load5", 0.38);
        data.put("cpus", 2);
        data.put("memFreeMb", 18_212);
        data.put("diskFreePct", 71.5);
        data.put("note", "x".repeat(noteChars));
        return data;
    }

    /** Envelope size with a realistic SEQ and an Ed25519 signature's length. */
    private static int size(String probeId, String tag, JsonNode data) {
        Event sample = new Event(probeId, tag, 1_000_000, "2026-11-23T02:31:45.123Z", data,
                new EventSignature("Ed25519", ED25519_SIGNATURE_SAMPLE));
        return EventJson.toBytes(sample).length;
    }
}
