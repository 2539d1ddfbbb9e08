package fitmon.broker.state;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.BatchVerdictCache;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;

/**
 * Work on requests done before ordering, on the threads that receive them, so the single
 * execution thread mostly looks it up: probes' events parsed, canonicalised and their signatures
 * checked ({@link ParsedEvent}), and gateways' command signatures. What is handed back is exactly
 * what the execution thread would compute from the same bytes and key: a prepared event is found
 * by its exact bytes (compared in full, not by a hash alone), a verdict is used only for an equal
 * key, and a command verdict is keyed by a SHA-256 over key, signed bytes and signature. So using
 * this work or redoing it gives the same answer, and determinism is untouched.
 *
 * <p>Bounded: prepared events to {@code capacity} and to {@link #MAX_PREPARED_BYTES} of envelopes
 * as received (a parsed event with its canonical forms takes about five times its bytes on the
 * heap), command verdicts to {@code capacity}; each forgets everything when full (a miss only costs
 * the work at execution). Entries are removed when execution takes them, so in steady state only
 * the requests between arrival and execution are held.
 *
 * <p>Events signed as part of a batch share one signature: their verdicts go through a
 * {@link BatchVerdictCache}, which checks that signature once per batch and walks each event's own
 * inclusion path.
 */
public final class PrecomputedVerdicts implements EventVerifier {

    /** Envelope bytes held prepared at most: some 28,000 events of 300 bytes, far more than are in flight. */
    static final long MAX_PREPARED_BYTES = 8L << 20;

    private final int capacity;
    private final ConcurrentHashMap<EventBytes, ParsedEvent> prepared = new ConcurrentHashMap<>();
    private final AtomicLong preparedBytes = new AtomicLong();
    private final ConcurrentHashMap<Fingerprint, Boolean> commandVerdicts = new ConcurrentHashMap<>();
    private final LongAdder verifiedAhead = new LongAdder();
    private final LongAdder verifiedAtExecution = new LongAdder();
    private final LongAdder parsedAtExecution = new LongAdder();
    private final BatchVerdictCache batchVerdicts;

    public PrecomputedVerdicts(int capacity) {
        this.capacity = capacity;
        this.batchVerdicts = new BatchVerdictCache(Math.max(1, capacity / 10));
    }

    /**
     * Parses and canonicalises an event ahead of ordering, and checks its signature with the key
     * {@code keyOf} gives for it (none: left to execution), remembering all of it for
     * {@link #parse}. Malformed bytes are left to execution, which refuses them. Thread-safe.
     */
    public void precompute(byte[] eventBytes, Function<Event, Optional<VerificationKey>> keyOf) {
        ParsedEvent event;
        try {
            event = ParsedEvent.parse(eventBytes);
        } catch (MalformedEventException e) {
            return;
        }
        event.envelopeBytes();
        if (event.event().sig() != null) {
            keyOf.apply(event.event()).ifPresent(key -> event.rememberVerdict(key, verifyNow(event, key, verifiedAhead)));
        }
        if (preparedBytes.addAndGet(eventBytes.length) > MAX_PREPARED_BYTES || prepared.size() >= capacity) {
            prepared.clear();
            preparedBytes.set(eventBytes.length);
        }
        prepared.put(new EventBytes(eventBytes), event);
    }

    /** The event prepared ahead from equal bytes, taken out; else parsed now. */
    @Override
    public ParsedEvent parse(byte[] bytes) throws MalformedEventException {
        ParsedEvent known = prepared.remove(new EventBytes(bytes));
        if (known != null) {
            preparedBytes.addAndGet(-bytes.length);
            return known;
        }
        parsedAtExecution.increment();
        return ParsedEvent.parse(bytes);
    }

    @Override
    public EventSigning.Verdict verify(ParsedEvent event, VerificationKey key) {
        EventSigning.Verdict known = event.knownVerdict(key);
        return known != null ? known : verifyNow(event, key, verifiedAtExecution);
    }

    private EventSigning.Verdict verifyNow(ParsedEvent event, VerificationKey key, LongAdder counter) {
        Event e = event.event();
        if (e.sig() == null) {
            return EventSigning.Verdict.UNSIGNED;
        }
        if (e.sig().batch() != null) {
            return batchVerdicts.verifySignedBytes(e, key, event.signedBytes(), counter::increment);
        }
        EventSigning.Verdict verdict = event.verifyWith(key);
        if (EventSigning.precheck(e, key) == null) {
            counter.increment();
        }
        return verdict;
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

    /** Events that execution parsed itself because none was prepared from the same bytes. */
    public long parsedAtExecution() {
        return parsedAtExecution.sum();
    }

    /** Prepared events and command verdicts held. */
    int size() {
        return prepared.size() + commandVerdicts.size();
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

    /** An envelope's bytes as a map key: equal only when every byte is. */
    private record EventBytes(byte[] bytes, int hash) {

        EventBytes(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EventBytes other && hash == other.hash && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Fingerprint(byte[] sha256) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint other && Arrays.equals(sha256, other.sha256);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sha256);
        }
    }
}
