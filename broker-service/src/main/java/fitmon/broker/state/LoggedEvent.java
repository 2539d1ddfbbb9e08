package fitmon.broker.state;

import java.nio.charset.StandardCharsets;

/**
 * One event as a channel log keeps it.
 *
 * @param channelSeq      position in the channel (agreed for ordered classes; this replica's
 *                        arrival order for unordered ones)
 * @param orderedAtMillis consensus time of ordering (arrival order position's time for unordered:
 *                        the last consensus time this replica knew)
 * @param envelope        the canonical (RFC 8785) bytes of the signed envelope
 */
public record LoggedEvent(long channelSeq, long orderedAtMillis, String probeId, long seq, byte[] envelope) {

    public String envelopeJson() {
        return new String(envelope, StandardCharsets.UTF_8);
    }

    /** Bytes this entry counts against retention. */
    long weight() {
        return envelope.length;
    }
}
