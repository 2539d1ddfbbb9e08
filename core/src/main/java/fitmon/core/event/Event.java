package fitmon.core.event;

import tools.jackson.databind.JsonNode;

/**
 * An event as a probe publishes it: ⟨probeId, SEQ, DATA, t_s⟩ signed by the probe.
 *
 * @param probeId the publishing probe
 * @param tag     the channel TAG
 * @param seq     the probe's sequence number, strictly increasing per probe and channel
 * @param ts      the probe's timestamp, RFC 3339, kept verbatim because it is signed as sent
 * @param data    the measurement, a JSON object
 * @param sig     the signature over the canonical bytes of the other members; null if unsigned
 */
public record Event(String probeId, String tag, long seq, String ts, JsonNode data, EventSignature sig) {

    /** The same event with another signature (or none). */
    public Event withSignature(EventSignature signature) {
        return new Event(probeId, tag, seq, ts, data, signature);
    }

    public boolean signed() {
        return sig != null;
    }
}
