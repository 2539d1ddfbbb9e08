package fitmon.core.event;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;

/** Signing and verification of envelopes over their JCS bytes. */
public final class EventSigning {

    private EventSigning() {
    }

    public static Event sign(Event event, MessageSigner signer) {
        byte[] signature = signer.sign(CanonicalJson.signingBytes(event));
        return event.withSignature(EventSignature.of(signer.algorithm().envelopeName(), signature));
    }

    /** The outcome of checking one envelope's signature. */
    public enum Verdict { VALID, UNSIGNED, UNKNOWN_ALGORITHM, WRONG_KEY_TYPE, INVALID }

    public static Verdict verify(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return Verdict.UNSIGNED;
        }
        SignatureAlgorithm alg = SignatureAlgorithm.fromEnvelopeName(event.sig().alg());
        if (alg == null) {
            return Verdict.UNKNOWN_ALGORITHM;
        }
        if (alg != key.algorithm()) {
            return Verdict.WRONG_KEY_TYPE;
        }
        byte[] signature = event.sig().bytes();
        return key.verify(alg, CanonicalJson.signingBytes(event), signature) ? Verdict.VALID : Verdict.INVALID;
    }
}
