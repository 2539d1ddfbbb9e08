package fitmon.broker.state;

import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;

/**
 * Checks an event's signature with a key, and a gateway's signature over a command. Both must be
 * pure functions of their arguments: an implementation may remember verdicts computed ahead of
 * ordering, never invent them.
 */
public interface EventVerifier {

    EventVerifier DIRECT = EventSigning::verify;

    EventSigning.Verdict verify(Event event, VerificationKey key);

    /** Whether {@code signature} is the gateway key's Ed25519 signature over {@code signingBytes}. */
    default boolean verifyCommand(VerificationKey gatewayKey, byte[] signingBytes, byte[] signature) {
        return gatewayKey.verify(SignatureAlgorithm.ED25519, signingBytes, signature);
    }
}
