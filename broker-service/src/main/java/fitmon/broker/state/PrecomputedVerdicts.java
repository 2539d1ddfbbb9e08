package fitmon.broker.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.BatchVerdictCache;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;

/**
 * Signature verdicts computed before ordering, on the threads that receive requests, so the
 * single execution thread mostly looks them up: probes' event signatures, and gateways' command
 * signatures. A verdict is keyed by a SHA-256 over the exact key, signed bytes and signature, and
 * is what {@link EventSigning#verify} (or the key's own check, for commands) returns for them:
 * using it or recomputing gives the same answer, so determinism is untouched. Bounded; forgets
 * everything when full (a miss only costs a verification).
 *
 * <p>Events signed as part of a batch share one signature: their verdicts go through a
 * {@link BatchVerdictCache}, which checks that signature once per batch and walks each event's own
 * inclusion path, ahead of ordering and again (cheaply) at execution.
 */
public final class PrecomputedVerdicts implements EventVerifier {

    private final int capacity;
    private final ConcurrentHashMap<Fingerprint, EventSigning.Verdict> verdicts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Fingerprint, Boolean> commandVerdicts = new ConcurrentHashMap<>();
    private final LongAdder verifiedAhead = new LongAdder();
    private final LongAdder verifiedAtExecution = new LongAdder();
    private final BatchVerdictCache batchVerdicts;

    public PrecomputedVerdicts(int capacity) {
        this.capacity = capacity;
        this.batchVerdicts = new BatchVerdictCache(Math.max(1, capacity / 10));
    }

    /** Verifies ahead of ordering and remembers the verdict. Thread-safe. */
    public void precompute(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return;
        }
        if (event.sig().batch() != null) {
            batchVerdicts.verify(event, key, verifiedAhead::increment);
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
        verifiedAhead.increment();
    }

    @Override
    public EventSigning.Verdict verify(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return EventSigning.Verdict.UNSIGNED;
        }
        if (event.sig().batch() != null) {
            return batchVerdicts.verify(event, key, verifiedAtExecution::increment);
        }
        EventSigning.Verdict known = verdicts.remove(fingerprint(event, key));
        if (known != null) {
            return known;
        }
        verifiedAtExecution.increment();
        return EventSigning.verify(event, key);
    }

    /**
     * Checks a gateway's command signature ahead of ordering and remembers the verdict. Thread-safe.
     *
     * @return the verdict
     */
    public boolean precomputeCommand(VerificationKey gatewayKey, byte[] signingBytes, byte[] signature) {
        Fingerprint fingerprint = commandFingerprint(gatewayKey, signingBytes, signature);
        Boolean known = commandVerdicts.get(fingerprint);
        if (known != null) {
            return known;
        }
        if (commandVerdicts.size() >= capacity) {
            commandVerdicts.clear();
        }
        boolean verdict = EventVerifier.DIRECT.verifyCommand(gatewayKey, signingBytes, signature);
        verifiedAhead.increment();
        commandVerdicts.put(fingerprint, verdict);
        return verdict;
    }

    @Override
    public boolean verifyCommand(VerificationKey gatewayKey, byte[] signingBytes, byte[] signature) {
        Boolean known = commandVerdicts.remove(commandFingerprint(gatewayKey, signingBytes, signature));
        if (known != null) {
            return known;
        }
        verifiedAtExecution.increment();
        return EventVerifier.DIRECT.verifyCommand(gatewayKey, signingBytes, signature);
    }

    /** Signatures verified ahead of ordering so far (events and commands). */
    public long verifiedAhead() {
        return verifiedAhead.sum();
    }

    /** Signatures verified at execution because no verdict was ready (events and commands). */
    public long verifiedAtExecution() {
        return verifiedAtExecution.sum();
    }

    int size() {
        return verdicts.size() + commandVerdicts.size();
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

    private static Fingerprint commandFingerprint(VerificationKey key, byte[] signingBytes, byte[] signature) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] spki = key.spki();
            sha.update(lengthPrefix(spki.length));
            sha.update(spki);
            sha.update(lengthPrefix(signingBytes.length));
            sha.update(signingBytes);
            sha.update(signature == null ? new byte[0] : signature);
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
