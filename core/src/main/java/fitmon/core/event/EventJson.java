package fitmon.core.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fitmon.core.channel.TagSyntax;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strict reading and writing of event envelopes. Unknown members, duplicate keys, sequence
 * numbers JSON cannot carry exactly and unparsable timestamps are refused, because whatever is
 * accepted here is what the signature must cover unambiguously.
 */
public final class EventJson {

    /** Largest SEQ that survives a round trip through an IEEE double, as JCS requires. */
    public static final long MAX_SEQ = (1L << 53) - 1;
    private static final Set<String> MEMBERS = Set.of("probeId", "tag", "seq", "ts", "data", "sig");

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private EventJson() {
    }

    public static Event parse(byte[] json) throws MalformedEventException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new MalformedEventException("event is not valid JSON: " + e.getOriginalMessage());
        }
        return fromTree(node);
    }

    public static Event parse(String json) throws MalformedEventException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    public static Event fromTree(JsonNode node) throws MalformedEventException {
        if (node == null || !node.isObject()) {
            throw new MalformedEventException("event must be a JSON object");
        }
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!MEMBERS.contains(name)) {
                throw new MalformedEventException("unknown member '" + name + "' (allowed: " + MEMBERS + ")");
            }
        }
        String probeId = requiredString(node, "probeId");
        if (!TagSyntax.isValid(probeId)) {
            throw new MalformedEventException("probeId must be " + TagSyntax.rule());
        }
        String tag = requiredString(node, "tag");
        if (!TagSyntax.isValid(tag)) {
            throw new MalformedEventException("tag must be " + TagSyntax.rule());
        }
        JsonNode seqNode = node.get("seq");
        if (seqNode == null || !seqNode.isIntegralNumber() || !seqNode.canConvertToLong()) {
            throw new MalformedEventException("seq must be an integer");
        }
        long seq = seqNode.longValue();
        if (seq < 1 || seq > MAX_SEQ) {
            throw new MalformedEventException("seq must be between 1 and " + MAX_SEQ);
        }
        String ts = requiredString(node, "ts");
        try {
            Instant.parse(ts);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("ts must be an RFC 3339 timestamp such as 2026-11-23T02:31:45.123Z");
        }
        JsonNode data = node.get("data");
        if (data == null || !data.isObject()) {
            throw new MalformedEventException("data must be a JSON object");
        }
        requireCanonicalizable(data);
        return new Event(probeId, tag, seq, ts, data, signature(node.get("sig")));
    }

    /**
     * RFC 8785 numbers are IEEE doubles: a number beyond their range (1e400, a 400-digit integer)
     * has no canonical form, so it would either fail canonicalization or silently become
     * "Infinity". Refused here, like everything else the signature could not cover unambiguously.
     * Likewise strings with an unpaired UTF-16 surrogate (a lone escaped surrogate is legal JSON
     * but not I-JSON, which RFC 8785 requires): they have no UTF-8 form and would be signed as
     * "?", the same bytes as a real "?".
     */
    private static void requireCanonicalizable(JsonNode node) throws MalformedEventException {
        if (node.isNumber()) {
            if (!Double.isFinite(node.numberValue().doubleValue())) {
                throw new MalformedEventException("data holds a number outside the range of an IEEE double");
            }
        } else if (node.isString()) {
            requireWellFormed(node.asString(), "data");
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                requireWellFormed(member.getKey(), "data");
                requireCanonicalizable(member.getValue());
            }
        } else if (node.isContainer()) {
            for (JsonNode child : node.values()) {
                requireCanonicalizable(child);
            }
        }
    }

    private static void requireWellFormed(String s, String where) throws MalformedEventException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new MalformedEventException(where + " holds a string with an unpaired UTF-16 surrogate "
                        + "(\\u" + Integer.toHexString(c) + "), which has no canonical form");
            }
        }
    }

    private static EventSignature signature(JsonNode sig) throws MalformedEventException {
        if (sig == null || sig.isNull()) {
            return null;
        }
        boolean batched = sig.isObject() && sig.has("batch");
        if (!sig.isObject() || sig.size() != (batched ? 3 : 2) || !sig.has("alg") || !sig.has("value")) {
            throw new MalformedEventException("sig must be an object with exactly 'alg' and 'value', and 'batch' "
                    + "when the event was signed as part of a batch");
        }
        String alg = requiredString(sig, "alg");
        requireWellFormed(alg, "sig.alg");
        String value = requiredString(sig, "value");
        EventSignature signature = new EventSignature(alg, value, batched ? batchProof(sig.get("batch")) : null);
        if (signature.bytes() == null) {
            throw new MalformedEventException("sig.value must be base64url");
        }
        return signature;
    }

    private static BatchProof batchProof(JsonNode batch) throws MalformedEventException {
        if (!batch.isObject() || batch.size() != 3 || !batch.has("size") || !batch.has("index")
                || !batch.has("path")) {
            throw new MalformedEventException("sig.batch must be an object with exactly 'size', 'index' and 'path'");
        }
        JsonNode size = batch.get("size");
        if (!size.isIntegralNumber() || !size.canConvertToInt() || size.asInt() < 2
                || size.asInt() > BatchProof.MAX_SIZE) {
            throw new MalformedEventException("sig.batch.size must be an integer from 2 to " + BatchProof.MAX_SIZE);
        }
        JsonNode index = batch.get("index");
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0
                || index.asInt() >= size.asInt()) {
            throw new MalformedEventException("sig.batch.index must be an integer from 0 to size - 1 ("
                    + (size.asInt() - 1) + ")");
        }
        JsonNode path = batch.get("path");
        if (!path.isArray() || path.size() > BatchProof.MAX_PATH) {
            throw new MalformedEventException("sig.batch.path must be an array of at most " + BatchProof.MAX_PATH
                    + " base64url SHA-256 hashes");
        }
        List<String> hashes = new ArrayList<>(path.size());
        for (JsonNode hash : path) {
            if (!hash.isString()) {
                throw new MalformedEventException("sig.batch.path must hold base64url strings");
            }
            hashes.add(hash.asString());
        }
        BatchProof proof = new BatchProof(size.asInt(), index.asInt(), hashes);
        if (proof.pathBytes() == null) {
            throw new MalformedEventException("sig.batch.path must hold base64url SHA-256 hashes (32 bytes each)");
        }
        return proof;
    }

    private static String requiredString(JsonNode node, String name) throws MalformedEventException {
        JsonNode value = node.get(name);
        if (value == null || !value.isString()) {
            throw new MalformedEventException(name + " must be a string");
        }
        return value.asString();
    }

    /** The envelope as a JSON tree, with or without its signature. */
    public static ObjectNode toTree(Event event, boolean withSignature) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("probeId", event.probeId());
        node.put("tag", event.tag());
        node.put("seq", event.seq());
        node.put("ts", event.ts());
        node.set("data", event.data());
        if (withSignature && event.sig() != null) {
            ObjectNode sig = node.putObject("sig");
            sig.put("alg", event.sig().alg());
            sig.put("value", event.sig().value());
            BatchProof batch = event.sig().batch();
            if (batch != null) {
                ObjectNode proof = sig.putObject("batch");
                proof.put("size", batch.size());
                proof.put("index", batch.index());
                batch.path().forEach(proof.putArray("path")::add);
            }
        }
        return node;
    }

    /** Compact JSON of the whole envelope (not canonical; see {@link CanonicalJson}). */
    public static byte[] toBytes(Event event) {
        return MAPPER.writeValueAsBytes(toTree(event, true));
    }

    /** Parses arbitrary JSON (for {@code data}) with the same strict settings. */
    public static JsonNode readTree(String json) {
        return MAPPER.readTree(json);
    }
}
