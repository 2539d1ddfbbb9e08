package fitmon.broker.state;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;

/**
 * Checks an event's signature with a key. Must be a pure function of its arguments: an
 * implementation may remember verdicts computed ahead of ordering, never invent them.
 */
public interface EventVerifier {

    EventVerifier DIRECT = EventSigning::verify;

    EventSigning.Verdict verify(Event event, VerificationKey key);
}
