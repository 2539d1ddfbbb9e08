package fitmon.broker.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;

/**
 * Signature verdicts computed before ordering, on the threads that receive requests, so the
 * single execution thread mostly looks them up. A verdict is keyed by a SHA-256 over the exact key,
 * signed bytes and signature, and is what {@link EventSigning#verify} returns for them: using it or
 * recomputing gives the same answer, so determinism is untouched. Bounded; forgets everything when
 * full (a miss only costs a verification).
 */
public final class PrecomputedVerdicts implements EventVerifier {

    private final int capacity;
    private final ConcurrentHashMap<Fingerprint, EventSigning.Verdict> verdicts = new ConcurrentHashMap<>();

    public PrecomputedVerdicts(int capacity) {
        this.capacity = capacity;
    }

    /** Verifies ahead of ordering and remembers the verdict. Thread-safe. */
    public void precompute(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return;
        }
        Fingerprint fingerprint = fingerprint(event, key);
        if (verdicts.containsKey(fingerprint)) {
            return; // the library checks a request on arrival and again inside the proposed batch
        }
        if (verdicts.size() >= capacity) {
            verdicts.clear();
        }
        verdicts.put(fingerprint, EventSigning.verify(event, key));
    }

    @Override
    public EventSigning.Verdict verify(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return EventSigning.Verdict.UNSIGNED;
        }
        EventSigning.Verdict known = verdicts.remove(fingerprint(event, key));
        return known != null ? known : EventSigning.verify(event, key);
    }

    int size() {
        return verdicts.size();
    }

    private static Fingerprint fingerprint(Event event, VerificationKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] spki = key.spki();
            sha.update(lengthPrefix(spki.length));
            sha.update(spki);
            byte[] signed = CanonicalJson.signingBytes(event);
            sha.update(lengthPrefix(signed.length));
            sha.update(signed);
            byte[] alg = event.sig().alg().getBytes(StandardCharsets.UTF_8);
            sha.update(lengthPrefix(alg.length));
            sha.update(alg);
            sha.update(event.sig().value().getBytes(StandardCharsets.UTF_8));
            return new Fingerprint(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    private record Fingerprint(byte[] sha256) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint other && java.util.Arrays.equals(sha256, other.sha256);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(sha256);
        }
    }
}
