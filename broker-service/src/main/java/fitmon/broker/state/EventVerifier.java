package fitmon.broker.state;

import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;

/**
 * Reads event envelopes, checks an event's signature with a key, and a gateway's signature over a
 * command. Each must be a pure function of its arguments: an implementation may hand back work
 * done ahead of ordering (an event parsed, a verdict computed), never invent it.
 */
public interface EventVerifier {

    EventVerifier DIRECT = new EventVerifier() { };

    /** The envelope in these bytes, as {@link ParsedEvent#parse} reads it. */
    default ParsedEvent parse(byte[] bytes) throws MalformedEventException {
        return ParsedEvent.parse(bytes);
    }

    /** The event's signature checked with {@code key}, as {@link EventSigning#verify} checks it. */
    default EventSigning.Verdict verify(ParsedEvent event, VerificationKey key) {
        return event.verifyWith(key);
    }

    /** Whether {@code signature} is the gateway key's Ed25519 signature over {@code signingBytes}. */
    default boolean verifyCommand(VerificationKey gatewayKey, byte[] signingBytes, byte[] signature) {
        return gatewayKey.verify(SignatureAlgorithm.ED25519, signingBytes, signature);
    }
}
