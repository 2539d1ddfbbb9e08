package fitmon.gateway.channels;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.command.CommandCodec;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.MalformedEventException;
import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A publish body: one envelope, or {@code {"events":[...]}}. A single envelope is passed on
 * byte for byte; events of a batch are re-serialized from the parsed tree, which keeps every value
 * (the signature covers the canonical form, not the spelling).
 *
 * @param events     the parsed envelopes, for the gateway's own checks
 * @param eventBytes what goes to the replicas, one entry per event
 */
record PublishBody(List<Event> events, List<byte[]> eventBytes, boolean batch) {

    static PublishBody parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "MALFORMED_EVENT",
                    "the body must be an event envelope or {\"events\":[...]}");
        }
        JsonNode root;
        try {
            root = EventJson.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "MALFORMED_EVENT", "the body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "MALFORMED_EVENT",
                    "the body must be an event envelope or {\"events\":[...]}");
        }
        if (!root.has("events")) {
            return new PublishBody(List.of(parseEvent(root, -1)), List.of(checkSize(body, -1)), false);
        }
        JsonNode array = root.get("events");
        if (root.size() != 1 || !array.isArray() || array.isEmpty()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "MALFORMED_EVENT",
                    "a batch must be exactly {\"events\":[...]} with at least one event");
        }
        if (array.size() > CommandCodec.MAX_BATCH) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "BATCH_TOO_LARGE",
                    "a batch holds at most " + CommandCodec.MAX_BATCH + " events, got " + array.size());
        }
        List<Event> events = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            events.add(parseEvent(array.get(i), i));
            bytes.add(checkSize(array.get(i).toString().getBytes(StandardCharsets.UTF_8), i));
        }
        return new PublishBody(List.copyOf(events), List.copyOf(bytes), true);
    }

    private static Event parseEvent(JsonNode node, int index) {
        try {
            return EventJson.fromTree(node);
        } catch (MalformedEventException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "MALFORMED_EVENT", where(index) + e.getMessage());
        }
    }

    private static byte[] checkSize(byte[] event, int index) {
        if (event.length > CommandCodec.MAX_EVENT_BYTES) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "EVENT_TOO_LARGE", where(index) + "an event is at most "
                    + CommandCodec.MAX_EVENT_BYTES + " bytes, got " + event.length);
        }
        return event;
    }

    static String where(int index) {
        return index < 0 ? "" : "event " + index + ": ";
    }
}
