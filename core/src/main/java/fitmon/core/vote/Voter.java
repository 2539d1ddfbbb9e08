package fitmon.core.vote;

import fitmon.core.channel.ChannelClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Console-side voter over the copies that the n = 3f+1 broker replicas push for every delivery.
 *
 * <p>A copy is released once {@code threshold} replicas sent the same digest for its key: f+1 for
 * the Byzantine class, so at least one correct replica vouches for it, and 1 for the crash-only
 * classes (see {@link #threshold(boolean, int)}). Each replica has one vote per key: a repeated
 * identical copy is ignored, a different second copy is reported as
 * {@link Disagreement.Kind#EQUIVOCATION} and ignored too (its first vote stands; that cannot help
 * a forgery since at most f replicas are faulty and f+1 votes are needed). Every copy whose digest
 * differs from the released one is reported as {@link Disagreement.Kind#DIFFERENT_COPY}, at release
 * for copies already received, on arrival for later ones.
 *
 * <p>Memory: a released key shrinks to its released digest plus one digest reference per replica,
 * kept so that late copies are still checked, and is forgotten once all n copies arrived. At most
 * {@code maxTrackedKeys} keys (pending or released) are tracked; beyond that the oldest (by first
 * copy) is evicted and counted ({@link #droppedUndecided()}, {@link #evictedReleased()}).
 * Consequently release is exactly once per key only while the key is tracked: a copy of a key that
 * was forgotten or evicted starts a new vote. Consoles resuming a replica's stream should therefore
 * resume from what they already released (e.g. STOMP {@code from-seq}) rather than replay it.
 *
 * <p>Thread safety: all public methods are safe to call from several threads (one per replica
 * connection); they synchronize on an internal lock. Listeners are notified after the lock is
 * released, on the offering thread, so notifications of concurrent offers may interleave.
 *
 * @param <V> the delivered value (e.g. the delivery or its event)
 */
public final class Voter<V> {

    /** Default bound on tracked keys. */
    public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

    private static final System.Logger LOG = System.getLogger(Voter.class.getName());

    private final int n;
    private final int f;
    private final int maxTrackedKeys;
    private final DisagreementListener listener;
    private final Clock clock;

    private final Object lock = new Object();
    /** Insertion order = order of the first copy, so the eldest entry is the one to evict. */
    private final LinkedHashMap<VoteKey, Tally<V>> tallies = new LinkedHashMap<>();
    private final MutableStats[] stats;
    private long released;
    private long droppedUndecided;
    private long evictedReleased;
    private long undecidable;

    public Voter(int n, int f) {
        this(n, f, DEFAULT_MAX_TRACKED_KEYS, DisagreementListener.NONE);
    }

    public Voter(int n, int f, int maxTrackedKeys, DisagreementListener listener) {
        this(n, f, maxTrackedKeys, listener, Clock.systemUTC());
    }

    /**
     * @param n              number of replicas, at least 3f+1
     * @param f              number of faulty replicas tolerated, at least 0
     * @param maxTrackedKeys bound on keys kept in memory, at least 1
     * @param listener       receives disagreements
     * @param clock          time source for {@link ReplicaStats#lastSeen()}
     */
    public Voter(int n, int f, int maxTrackedKeys, DisagreementListener listener, Clock clock) {
        if (f < 0) {
            throw new IllegalArgumentException("f must be >= 0, got " + f);
        }
        if ((long) n < 3L * f + 1) {
            throw new IllegalArgumentException(
                    "n must be >= 3f+1 = " + (3L * f + 1) + " for f = " + f + ", got n = " + n);
        }
        if (maxTrackedKeys < 1) {
            throw new IllegalArgumentException("maxTrackedKeys must be >= 1, got " + maxTrackedKeys);
        }
        this.n = n;
        this.f = f;
        this.maxTrackedKeys = maxTrackedKeys;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = new MutableStats[n];
        for (int i = 0; i < n; i++) {
            stats[i] = new MutableStats();
        }
    }

    /** Identical copies needed: f+1 if Byzantine replicas are tolerated, else 1 (first copy). */
    public static int threshold(boolean byzantine, int f) {
        if (f < 0) {
            throw new IllegalArgumentException("f must be >= 0, got " + f);
        }
        return byzantine ? f + 1 : 1;
    }

    /** Identical copies needed for a delivery of channel class {@code channelClass}. */
    public static int threshold(ChannelClass channelClass, int f) {
        return threshold(channelClass.byzantine(), f);
    }

    /**
     * Counts one replica's copy of a delivery.
     *
     * @param replica   the sending replica, 0..n-1
     * @param key       the delivery's key
     * @param digest    digest of the copy's canonical event bytes
     * @param value     what to return on release (the first value with the released digest wins)
     * @param threshold identical copies needed, 1..n
     * @return {@link VoteOutcome.Released} the first time a digest reaches the threshold for this
     *         key, {@link VoteOutcome.AlreadyReleased} for later copies, else
     *         {@link VoteOutcome.Pending}
     * @throws IllegalArgumentException if the replica id or the threshold is out of range
     */
    public VoteOutcome<V> offer(int replica, VoteKey key, Digest digest, V value, int threshold) {
        if (replica < 0 || replica >= n) {
            throw new IllegalArgumentException("replica must be in 0.." + (n - 1) + ", got " + replica);
        }
        if (threshold < 1 || threshold > n) {
            throw new IllegalArgumentException("threshold must be in 1.." + n + ", got " + threshold);
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(digest, "digest");
        List<Disagreement> reports = new ArrayList<>(0);
        VoteOutcome<V> outcome;
        synchronized (lock) {
            outcome = offerLocked(replica, key, digest, value, threshold, reports);
        }
        for (Disagreement d : reports) {
            try {
                listener.onDisagreement(d);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "disagreement listener failed on " + d, e);
            }
        }
        return outcome;
    }

    private VoteOutcome<V> offerLocked(int replica, VoteKey key, Digest digest, V value, int threshold,
                                       List<Disagreement> reports) {
        MutableStats st = stats[replica];
        st.lastKey = key;
        st.lastSeen = clock.instant();

        Tally<V> t = tallies.get(key);
        if (t == null) {
            t = new Tally<>(n);
            tallies.put(key, t);
            evictOverflow();
        }

        Digest previous = t.byReplica[replica];
        if (previous != null) {
            if (!previous.equals(digest)) {
                st.equivocations++;
                reports.add(new Disagreement(replica, key, Disagreement.Kind.EQUIVOCATION));
            }
            return t.releasedDigest != null
                    ? new VoteOutcome.AlreadyReleased<>(digest.equals(t.releasedDigest))
                    : new VoteOutcome.Pending<>(t.votesFor(digest), t.copies);
        }

        t.byReplica[replica] = digest;
        t.copies++;
        st.copiesReceived++;

        if (t.releasedDigest != null) {
            boolean agrees = judge(replica, key, digest, t.releasedDigest, reports);
            forgetIfComplete(key, t);
            return new VoteOutcome.AlreadyReleased<>(agrees);
        }

        Candidate<V> c = t.candidates.computeIfAbsent(digest, d -> new Candidate<>(value));
        c.voters.set(replica);
        int votes = c.voters.cardinality();
        if (votes < threshold) {
            if (t.copies == n) {
                // Every replica voted and no digest made it: no copy can ever be released.
                tallies.remove(key);
                undecidable++;
            }
            return new VoteOutcome.Pending<>(votes, t.copies);
        }

        t.releasedDigest = digest;
        t.candidates = null;
        released++;
        for (int r = 0; r < n; r++) {
            if (t.byReplica[r] != null) {
                judge(r, key, t.byReplica[r], digest, reports);
            }
        }
        Set<Integer> agreeing = new TreeSet<>();
        c.voters.stream().forEach(agreeing::add);
        forgetIfComplete(key, t);
        return new VoteOutcome.Released<>(c.value, votes, agreeing);
    }

    /** Compares one copy with the released digest, counting and reporting a difference. */
    private boolean judge(int replica, VoteKey key, Digest copy, Digest releasedDigest,
                          List<Disagreement> reports) {
        if (copy.equals(releasedDigest)) {
            stats[replica].copiesAgreeing++;
            return true;
        }
        stats[replica].copiesDiffering++;
        reports.add(new Disagreement(replica, key, Disagreement.Kind.DIFFERENT_COPY));
        return false;
    }

    private void forgetIfComplete(VoteKey key, Tally<V> t) {
        if (t.copies == n) {
            tallies.remove(key);
        }
    }

    private void evictOverflow() {
        Iterator<Tally<V>> it = tallies.values().iterator();
        while (tallies.size() > maxTrackedKeys && it.hasNext()) {
            Tally<V> eldest = it.next();
            it.remove();
            if (eldest.releasedDigest == null) {
                droppedUndecided++;
            } else {
                evictedReleased++;
            }
        }
    }

    /** Per-replica statistics, for every replica 0..n-1, in ascending order of replica id. */
    public Map<Integer, ReplicaStats> replicaStats() {
        synchronized (lock) {
            Map<Integer, ReplicaStats> out = new TreeMap<>();
            for (int r = 0; r < n; r++) {
                out.put(r, stats[r].snapshot());
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** Replicas that sent nothing within {@code quietFor} before now (or nothing at all). */
    public Set<Integer> silentReplicas(Duration quietFor) {
        Instant cutoff = clock.instant().minus(quietFor);
        synchronized (lock) {
            Set<Integer> silent = new TreeSet<>();
            for (int r = 0; r < n; r++) {
                Instant seen = stats[r].lastSeen;
                if (seen == null || seen.isBefore(cutoff)) {
                    silent.add(r);
                }
            }
            return Collections.unmodifiableSet(silent);
        }
    }

    public int n() {
        return n;
    }

    public int f() {
        return f;
    }

    public int maxTrackedKeys() {
        return maxTrackedKeys;
    }

    /** Keys currently in memory, pending or released. */
    public int trackedKeys() {
        synchronized (lock) {
            return tallies.size();
        }
    }

    /** Keys released so far. */
    public long releasedCount() {
        synchronized (lock) {
            return released;
        }
    }

    /** Undecided keys evicted by the memory bound before any digest reached its threshold. */
    public long droppedUndecided() {
        synchronized (lock) {
            return droppedUndecided;
        }
    }

    /** Released keys evicted by the memory bound before all n copies arrived. */
    public long evictedReleased() {
        synchronized (lock) {
            return evictedReleased;
        }
    }

    /** Keys for which all n replicas sent copies but no digest reached the threshold. */
    public long undecidable() {
        synchronized (lock) {
            return undecidable;
        }
    }

    /** Votes for one key. Before release: candidates by digest; after: only the released digest. */
    private static final class Tally<V> {
        /** First digest received from each replica, null if none yet. */
        final Digest[] byReplica;
        int copies;
        Map<Digest, Candidate<V>> candidates = new LinkedHashMap<>(4);
        Digest releasedDigest;

        Tally(int n) {
            byReplica = new Digest[n];
        }

        int votesFor(Digest digest) {
            Candidate<V> c = candidates.get(digest);
            return c == null ? 0 : c.voters.cardinality();
        }
    }

    private static final class Candidate<V> {
        final V value;
        final BitSet voters = new BitSet();

        Candidate(V value) {
            this.value = value;
        }
    }

    private static final class MutableStats {
        long copiesReceived;
        long copiesAgreeing;
        long copiesDiffering;
        long equivocations;
        VoteKey lastKey;
        Instant lastSeen;

        ReplicaStats snapshot() {
            return new ReplicaStats(copiesReceived, copiesAgreeing, copiesDiffering, equivocations,
                    lastKey, lastSeen);
        }
    }
}
