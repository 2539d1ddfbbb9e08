package fitmon.broker.state;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;

/**
 * An event envelope as the state machine admits it: parsed once, its two canonical (RFC 8785)
 * forms computed at most once each, whichever thread asks first. Canonicalising is the costly
 * part of handling an event apart from its signature (Jackson writes a tree, the JCS library reads
 * and writes it again), and a replica needs the signing bytes to verify and the whole envelope to
 * log: here each is made once, ahead of ordering when the replica prepared the request.
 *
 * <p>Everything here is a pure function of the envelope's bytes (and of the key, for a verdict),
 * so a value computed on another thread is the value this thread would compute.
 */
public final class ParsedEvent {

    private final Event event;
    private volatile byte[] signingBytes;
    private volatile byte[] envelopeBytes;
    private volatile KnownVerdict knownVerdict;

    private ParsedEvent(Event event) {
        this.event = event;
    }

    public static ParsedEvent parse(byte[] bytes) throws MalformedEventException {
        return new ParsedEvent(EventJson.parse(bytes));
    }

    public Event event() {
        return event;
    }

    /** The envelope without {@code sig}, canonicalised: what a single-event signature covers. */
    public byte[] signingBytes() {
        byte[] bytes = signingBytes;
        if (bytes == null) {
            bytes = CanonicalJson.signingBytes(event);
            signingBytes = bytes;
        }
        return bytes;
    }

    /** The whole envelope, canonicalised: what the log keeps and consoles receive. */
    public byte[] envelopeBytes() {
        byte[] bytes = envelopeBytes;
        if (bytes == null) {
            bytes = CanonicalJson.envelopeBytes(event);
            envelopeBytes = bytes;
        }
        return bytes;
    }

    /** What the signature must cover: see {@link EventSigning#signedBytes(Event)}. */
    public byte[] signedBytes() {
        return EventSigning.signedBytes(event, signingBytes());
    }

    /** Checks the signature with {@code key}, as {@link EventSigning#verify} does. */
    public EventSigning.Verdict verifyWith(VerificationKey key) {
        return EventSigning.verifySignedBytes(event, key, signedBytes());
    }

    /** Remembers the verdict for {@code key}, computed by whoever prepared this event. */
    void rememberVerdict(VerificationKey key, EventSigning.Verdict verdict) {
        knownVerdict = new KnownVerdict(key, verdict);
    }

    /** The remembered verdict if it was for an equal key; null otherwise. */
    EventSigning.Verdict knownVerdict(VerificationKey key) {
        KnownVerdict known = knownVerdict;
        return known != null && known.key.equals(key) ? known.verdict : null;
    }

    private record KnownVerdict(VerificationKey key, EventSigning.Verdict verdict) {
    }
}
