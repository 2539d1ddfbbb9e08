package fitmon.broker.replication;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The preparation of recent requests, each started once, on a pool of verifier threads.
 *
 * <p>The library hands a request to the service's check up to three times: on arrival from the
 * client (a network thread), then twice more when a follower checks the leader's proposal, on the
 * one thread that runs consensus. Under load the proposal often arrives first, so whatever the
 * check does in the caller's thread holds up consensus itself (measured: that thread spent most of
 * its time verifying signatures). Here the first call only starts the work on the pool and
 * returns; the others cost a hash. Before a command executes, the execution thread waits for its
 * preparation to finish ({@link #awaitPrepared}), so the verdicts are ready when the state machine
 * looks them up; verification thus runs on every core, never on the consensus thread.
 *
 * <p>Keyed by a fast 64-bit hash ({@link #hash64}), not a cryptographic one, on purpose: a collision
 * only means a request is not prepared ahead (its signatures are checked at execution instead) or
 * that execution waits for another request's preparation. Bounded; forgets everything when full.
 */
final class RecentlyPrepared {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int capacity;
    private final Executor pool;
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> started = new ConcurrentHashMap<>();

    /** @param pool runs preparations; one that refuses a task just leaves it to execution */
    RecentlyPrepared(int capacity, Executor pool) {
        this.capacity = capacity;
        this.pool = pool;
    }

    /**
     * Starts {@code work} for these bytes unless it was started lately. Returns at once.
     *
     * @return true if this call started it
     */
    boolean startOnce(byte[] request, Runnable work) {
        Long hash = hash64(request);
        if (started.containsKey(hash)) {
            return false;
        }
        if (started.size() >= capacity) {
            started.clear();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (started.putIfAbsent(hash, done) != null) {
            return false;
        }
        try {
            pool.execute(() -> {
                try {
                    work.run();
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null); // the pool is saturated: execution verifies for itself
        }
        return true;
    }

    /** Waits until the preparation of these bytes, if one was started, is over; then forgets it. */
    void awaitPrepared(byte[] request) {
        CompletableFuture<Void> done = started.remove(hash64(request));
        if (done == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // preparation is only work ahead: whatever failed is judged at execution
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Preparations started and not yet awaited. */
    int size() {
        return started.size();
    }

    /**
     * Eight bytes per step, then a final mix (the finaliser of MurmurHash3): every request is hashed
     * three or four times (the library's checks and execution), and a batch request is tens of
     * kilobytes; a byte-at-a-time FNV-1a took a tenth of a replica's CPU under batched load (JFR).
     */
    static long hash64(byte[] bytes) {
        long hash = 0x9e3779b97f4a7c15L ^ bytes.length;
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            hash = Long.rotateLeft(hash ^ ((long) LONGS.get(bytes, i) * 0xc2b2ae3d27d4eb4fL), 31) * 0x9e3779b97f4a7c15L;
        }
        for (; i < bytes.length; i++) {
            hash = (hash ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }
}
