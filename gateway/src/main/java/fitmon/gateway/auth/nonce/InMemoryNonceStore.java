package fitmon.gateway.auth.nonce;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Nonces of one gateway, in memory, bounded by {@code maxEntries}.
 *
 * <p>Each claimed nonce is kept in a map (key → expiry) and appended to a FIFO of expiries.
 * Because one gateway uses one ttl, the FIFO is in expiry order, so expired entries are always at
 * its head and are removed a few per call (amortised O(1)); with mixed ttls an entry may only be
 * kept longer than needed, never dropped early. When the store is full of unexpired nonces,
 * {@link #claim} throws {@link NonceStoreFullException}: forgetting a live nonce would allow a
 * replay.
 *
 * <p>No key may hold more than {@code maxPerKey} entries: beyond that its claims throw
 * {@link NonceQuotaExceededException}, so one key cannot fill the store and lock every other key
 * out. Per-key counts live only while the key has entries.
 */
public final class InMemoryNonceStore implements NonceStore {

    /** Expired entries removed per claim, so no single request pays for a large backlog. */
    private static final int PURGE_BATCH = 16;

    private final int maxEntries;
    private final int maxPerKey;
    /** Entries per API key id; a key is removed when its count falls to zero. */
    private final ConcurrentHashMap<String, Integer> perKey = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Long> expiries = new ConcurrentHashMap<>();
    private final Queue<Expiry> fifo = new ConcurrentLinkedQueue<>();
    /** Keys in {@link #expiries}; a slot is reserved here before a new key is inserted. */
    private final AtomicInteger size = new AtomicInteger();
    /** Only the holder polls {@link #fifo}, so a peeked head is the one it removes. */
    private final ReentrantLock purgeLock = new ReentrantLock();

    public InMemoryNonceStore() {
        this(1_000_000, 125_000, System::nanoTime);
    }

    /** A store without a per-key quota. */
    public InMemoryNonceStore(int maxEntries, LongSupplier nanoClock) {
        this(maxEntries, Integer.MAX_VALUE, nanoClock);
    }

    public InMemoryNonceStore(int maxEntries, int maxPerKey, LongSupplier nanoClock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        if (maxPerKey < 1) {
            throw new IllegalArgumentException("maxPerKey must be at least 1, got " + maxPerKey);
        }
        this.maxEntries = maxEntries;
        this.maxPerKey = maxPerKey;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public boolean claim(String keyId, String nonce, Duration ttl) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(nonce, "nonce");
        long ttlNanos = positiveNanos(ttl);
        long now = nanoClock.getAsLong();
        Key key = new Key(keyId, nonce);

        if (purgeLock.tryLock()) {
            try {
                purgeExpired(now, PURGE_BATCH);
            } finally {
                purgeLock.unlock();
            }
        }
        // a replay is refused as such even when the store is full
        Long seen = expiries.get(key);
        if (seen != null && seen - now > 0) {
            return false;
        }
        reserveKeySlot(keyId);
        try {
            reserveSlot(now);
        } catch (NonceStoreFullException e) {
            releaseKeySlot(keyId);
            throw e;
        }

        long expiry = now + ttlNanos;
        boolean[] fresh = new boolean[1];
        boolean[] inserted = new boolean[1];
        expiries.compute(key, (k, old) -> {
            if (old != null && old - now > 0) {
                return old; // another thread claimed it first
            }
            fresh[0] = true;
            inserted[0] = old == null;
            return expiry;
        });
        if (!inserted[0]) {
            size.decrementAndGet(); // the reservation was not needed: replay, or an expired key renewed
            releaseKeySlot(keyId);
        }
        if (fresh[0]) {
            fifo.add(new Expiry(key, expiry));
        }
        return fresh[0];
    }

    /** Nonces currently remembered, expired ones not yet purged included. */
    public int size() {
        return size.get();
    }

    /** Nonces the key currently holds, expired ones not yet purged included. */
    public int size(String keyId) {
        return perKey.getOrDefault(keyId, 0);
    }

    private void reserveKeySlot(String keyId) {
        boolean[] granted = new boolean[1];
        perKey.compute(keyId, (k, count) -> {
            int held = count == null ? 0 : count;
            granted[0] = held < maxPerKey;
            return granted[0] ? held + 1 : count;
        });
        if (!granted[0]) {
            // the key's own expired entries may be what fills its quota
            purgeLock.lock();
            try {
                purgeExpired(nanoClock.getAsLong(), Integer.MAX_VALUE);
            } finally {
                purgeLock.unlock();
            }
            perKey.compute(keyId, (k, count) -> {
                int held = count == null ? 0 : count;
                granted[0] = held < maxPerKey;
                return granted[0] ? held + 1 : count;
            });
            if (!granted[0]) {
                throw new NonceQuotaExceededException(keyId, maxPerKey);
            }
        }
    }

    private void releaseKeySlot(String keyId) {
        perKey.computeIfPresent(keyId, (k, count) -> count <= 1 ? null : count - 1);
    }

    private void reserveSlot(long now) {
        if (size.incrementAndGet() <= maxEntries) {
            return;
        }
        size.decrementAndGet();
        purgeLock.lock();
        try {
            purgeExpired(now, Integer.MAX_VALUE);
        } finally {
            purgeLock.unlock();
        }
        if (size.incrementAndGet() > maxEntries) {
            size.decrementAndGet();
            throw new NonceStoreFullException(maxEntries);
        }
    }

    /** Caller holds {@link #purgeLock}. */
    private void purgeExpired(long now, int limit) {
        for (int i = 0; i < limit; i++) {
            Expiry head = fifo.peek();
            if (head == null || head.at - now > 0) {
                return;
            }
            fifo.poll();
            // only if not renewed since: a renewed key has a newer expiry and its own FIFO entry
            if (expiries.remove(head.key, head.at)) {
                size.decrementAndGet();
                releaseKeySlot(head.key.keyId());
            }
        }
    }

    private static long positiveNanos(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        try {
            return ttl.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // "forever" in nanoTime arithmetic
        }
    }

    private record Key(String keyId, String nonce) {
    }

    private record Expiry(Key key, long at) {
    }
}
