package fitmon.core.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import fitmon.core.crypto.VerificationKey;

/**
 * Verifies envelopes, checking each batch signature once: the events of one batch share key,
 * signature and signed bytes (the batch message of their root), so the verdict of the first is
 * the verdict of all of them. Each event's own path is still walked, which is what binds that
 * event to the root. Single-event signatures are verified every time (nothing to share).
 *
 * <p>A remembered verdict is exactly what {@link EventSigning#verify} returns for the same key,
 * bytes and signature, so using this cache cannot change a decision. Bounded: forgets everything
 * when {@code capacity} batches are held (a miss costs one verification). Thread-safe; two threads
 * checking events of the same new batch at once verify its signature once.
 */
public final class BatchVerdictCache {

    private final int capacity;
    private final ConcurrentHashMap<Key, EventSigning.Verdict> verdicts = new ConcurrentHashMap<>();
    private final LongAdder signatureChecks = new LongAdder();

    public BatchVerdictCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
    }

    public EventSigning.Verdict verify(Event event, VerificationKey key) {
        return verify(event, key, () -> { });
    }

    /** As {@link #verify(Event, VerificationKey)}, running {@code onSignatureCheck} when a signature is checked. */
    public EventSigning.Verdict verify(Event event, VerificationKey key, Runnable onSignatureCheck) {
        EventSigning.Verdict precheck = EventSigning.precheck(event, key);
        if (precheck != null) {
            return precheck;
        }
        return verifySignedBytes(event, key, EventSigning.signedBytes(event), onSignatureCheck);
    }

    /**
     * As {@link #verify(Event, VerificationKey, Runnable)}, for a caller that already holds what
     * {@link EventSigning#signedBytes(Event)} returns for this event.
     */
    public EventSigning.Verdict verifySignedBytes(Event event, VerificationKey key, byte[] signedBytes,
                                                  Runnable onSignatureCheck) {
        EventSigning.Verdict precheck = EventSigning.precheck(event, key);
        if (precheck != null) {
            return precheck;
        }
        if (event.sig().batch() == null || signedBytes == null) {
            signatureChecks.increment();
            onSignatureCheck.run();
            return EventSigning.verifySignedBytes(event, key, signedBytes);
        }
        Key cacheKey = Key.of(key, signedBytes, event.sig().value());
        EventSigning.Verdict known = verdicts.get(cacheKey);
        if (known != null) {
            return known;
        }
        if (verdicts.size() >= capacity) {
            verdicts.clear();
        }
        return verdicts.computeIfAbsent(cacheKey, k -> {
            signatureChecks.increment();
            onSignatureCheck.run();
            return EventSigning.verifySignedBytes(event, key, signedBytes);
        });
    }

    /** Signatures actually checked so far (single events, and each batch once while remembered). */
    public long signatureChecks() {
        return signatureChecks.sum();
    }

    int size() {
        return verdicts.size();
    }

    /** Key, signed bytes and signature value, length-prefixed into one array. */
    private record Key(byte[] bytes) {

        static Key of(VerificationKey key, byte[] signedBytes, String signature) {
            byte[] spki = key.spki();
            byte[] value = signature.getBytes(StandardCharsets.US_ASCII);
            return new Key(ByteBuffer.allocate(12 + spki.length + signedBytes.length + value.length)
                    .putInt(spki.length).put(spki)
                    .putInt(signedBytes.length).put(signedBytes)
                    .putInt(value.length).put(value)
                    .array());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
