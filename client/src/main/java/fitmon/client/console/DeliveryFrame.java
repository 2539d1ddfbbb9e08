package fitmon.client.console;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of one delivery the vote needs, read in one streaming pass: the envelope is kept as the
 * exact bytes the replica sent, not parsed. Honest replicas send the canonical (RFC 8785) bytes of
 * the logged envelope, so their copies are byte-identical and the vote compares hashes of these
 * bytes; only the copy that wins the vote is parsed and verified. A faulty replica that sends the
 * same event in another byte form only fails to agree, which is what it is.
 *
 * @param probeId the envelope's probeId, null when absent or not a string
 * @param seq     the envelope's seq, -1 when absent or not an integer
 */
record DeliveryFrame(String tag, long channelSeq, String orderedAt, byte[] eventJson, String probeId, long seq) {

    /** The delivery in {@code body}, or null when it carries no event object. */
    static DeliveryFrame read(JsonMapper json, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String tag = "";
        long channelSeq = -1;
        String orderedAt = null;
        byte[] event = null;
        String probeId = null;
        long seq = -1;
        try (JsonParser p = json.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a delivery is a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "tag" -> tag = value == JsonToken.VALUE_STRING ? p.getString() : "";
                    case "channelSeq" -> channelSeq = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "orderedAt" -> orderedAt = value == JsonToken.VALUE_STRING ? p.getString() : null;
                    case "event" -> {
                        if (value != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                            String member = p.currentName();
                            JsonToken memberValue = p.nextToken();
                            if (member.equals("probeId") && memberValue == JsonToken.VALUE_STRING) {
                                probeId = p.getString();
                            } else if (member.equals("seq") && memberValue == JsonToken.VALUE_NUMBER_INT) {
                                seq = p.getLongValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
                        event = Arrays.copyOfRange(bytes, start, end);
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a delivery that is not JSON: " + e.getOriginalMessage(), e);
        }
        return event == null ? null : new DeliveryFrame(tag, channelSeq, orderedAt, event, probeId, seq);
    }
}
