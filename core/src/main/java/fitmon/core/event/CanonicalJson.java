package fitmon.core.event;

import java.io.IOException;

import org.erdtman.jcs.JsonCanonicalizer;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) bytes of events: what a probe signs, what a
 * replica verifies and stores, and what a console digests when it votes.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** The bytes a probe signs: the envelope without {@code sig}, canonicalised. */
    public static byte[] signingBytes(Event event) {
        return canonicalize(EventJson.MAPPER.writeValueAsString(EventJson.toTree(event, false)));
    }

    /** The whole envelope, signature included, canonicalised. */
    public static byte[] envelopeBytes(Event event) {
        return canonicalize(EventJson.MAPPER.writeValueAsString(EventJson.toTree(event, true)));
    }

    static byte[] canonicalize(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedUTF8();
        } catch (IOException e) {
            // The input was produced by our own serializer, so this is a bug, not bad input.
            throw new IllegalStateException("JCS canonicalization failed: " + e.getMessage(), e);
        }
    }
}
