package fitmon.gateway.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Admits asynchronous work under contention by role priority, with weighted fairness.
 *
 * <p>At most {@code concurrency} pieces of work run at once; a slot is held from the moment the
 * work is started until the future it returned completes. Beyond that, requests wait in one FIFO
 * queue per priority level (1..100) and, each time a slot frees, the next is chosen by stride
 * scheduling: every level has a virtual pass, the non-empty level with the smallest pass goes next
 * (the higher priority on a tie) and its pass advances by {@code STRIDE / priority}. Priorities
 * 100 and 20 therefore share the slots about 5:1; the low level is delayed, never starved. A level
 * that becomes non-empty after being idle starts no earlier than the current virtual time, so
 * idleness banks no credit. Only queued dispatches are charged: work admitted at once while slots
 * are free moves no pass.
 *
 * <p>No thread waits: a queued request is an entry, and the completion of running work starts
 * the next. By default the next work's supplier runs on the thread that completed the previous
 * future (iteratively, never recursively); suppliers should hand slow work off and not block.
 * When {@code maxQueued} requests wait, {@link #submit} throws {@link OverloadedException}.
 */
public final class PriorityScheduler {

    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 100;

    /** Pass increment of priority 1. Passes are compared by difference, so wrap-around is harmless. */
    static final long STRIDE = 1L << 30;

    private static final long MAX_RETRY_AFTER_SECONDS = 120;

    private final int concurrency;
    private final int maxQueued;
    private final Executor dispatcher;

    private final Object lock = new Object();
    private final Level[] levels = new Level[MAX_PRIORITY + 1];
    // guarded by lock
    private long virtualTime;
    private int running;
    private int queued;
    private long meanServiceNanos;

    public PriorityScheduler(int concurrency, int maxQueued) {
        this(concurrency, maxQueued, new Trampoline());
    }

    /** @param dispatcher runs each admitted work's supplier; the default runs it on the admitting thread */
    public PriorityScheduler(int concurrency, int maxQueued, Executor dispatcher) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative, got " + maxQueued);
        }
        this.concurrency = concurrency;
        this.maxQueued = maxQueued;
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        for (int priority = MIN_PRIORITY; priority <= MAX_PRIORITY; priority++) {
            levels[priority] = new Level(STRIDE / priority);
        }
    }

    /**
     * Runs work when a slot frees; the slot is held until the work's future completes.
     *
     * @param priority 1 (lowest) to 100 (highest)
     * @return completes as the work's future does; fails with the supplier's exception if it throws.
     *         Cancelling it while it waits skips the work; once started, the work is not interrupted.
     * @throws OverloadedException {@code maxQueued} requests already wait
     */
    public <T> CompletableFuture<T> submit(int priority, Supplier<CompletableFuture<T>> work) {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be in " + MIN_PRIORITY + ".." + MAX_PRIORITY
                    + ", got " + priority);
        }
        Pending<T> pending = new Pending<>(Objects.requireNonNull(work, "work"));
        synchronized (lock) {
            // invariant: requests wait only while every slot is busy
            if (running < concurrency) {
                running++;
            } else if (queued >= maxQueued) {
                throw new OverloadedException(queued, retryAfter());
            } else {
                enqueue(levels[priority], pending);
                return pending.result;
            }
        }
        start(pending);
        return pending.result;
    }

    /** Requests waiting for a slot (cancelled ones included until their turn comes). */
    public int queued() {
        synchronized (lock) {
            return queued;
        }
    }

    /** Slots in use. */
    public int running() {
        synchronized (lock) {
            return running;
        }
    }

    private void enqueue(Level level, Pending<?> pending) {
        if (level.waiting.isEmpty()) {
            // an idle level's pass is at most one stride past the virtual time; anything else is
            // stale (or wrapped) and restarts at the virtual time
            long lead = level.pass - virtualTime;
            if (lead < 0 || lead > level.stride) {
                level.pass = virtualTime;
            }
        }
        level.waiting.addLast(pending);
        queued++;
    }

    /** Under lock: the next request by stride order, or null when none waits. */
    private Pending<?> pollNext() {
        while (queued > 0) {
            Level next = null;
            // from the highest priority down, so a tie goes to the higher priority
            for (int priority = MAX_PRIORITY; priority >= MIN_PRIORITY; priority--) {
                Level level = levels[priority];
                if (!level.waiting.isEmpty() && (next == null || level.pass - next.pass < 0)) {
                    next = level;
                }
            }
            Pending<?> pending = next.waiting.pollFirst();
            queued--;
            if (pending.result.isDone()) {
                continue; // cancelled while waiting: skipped and not charged
            }
            virtualTime = next.pass;
            next.pass += next.stride;
            return pending;
        }
        return null;
    }

    /** Frees the caller's slot, or hands it straight to the next waiting request, which is returned. */
    private Pending<?> release(long serviceNanos) {
        synchronized (lock) {
            if (serviceNanos >= 0) {
                meanServiceNanos = meanServiceNanos == 0 ? Math.max(1, serviceNanos)
                        : meanServiceNanos + (serviceNanos - meanServiceNanos) / 8;
            }
            Pending<?> next = pollNext();
            if (next == null) {
                running--;
            }
            return next;
        }
    }

    /** Under lock: how long until the queue ahead has likely drained. */
    private Duration retryAfter() {
        if (meanServiceNanos == 0) {
            return Duration.ofSeconds(1);
        }
        double seconds = (queued + 1.0) * meanServiceNanos / concurrency / 1e9;
        long rounded = (long) Math.ceil(seconds);
        return Duration.ofSeconds(Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, rounded)));
    }

    /** Starts admitted work, which already holds a slot. */
    private void start(Pending<?> pending) {
        while (pending != null) {
            Pending<?> current = pending;
            try {
                dispatcher.execute(() -> run(current));
                return;
            } catch (RejectedExecutionException e) {
                pending = release(-1);
                current.result.completeExceptionally(e);
            }
        }
    }

    private <T> void run(Pending<T> pending) {
        long started = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = Objects.requireNonNull(pending.work.get(), "work supplier returned null instead of a future");
        } catch (Throwable e) {
            Pending<?> next = release(-1);
            pending.result.completeExceptionally(e);
            start(next);
            return;
        }
        future.whenComplete((value, failure) -> {
            Pending<?> next = release(System.nanoTime() - started);
            // the caller hears first; the next work then starts on this thread
            if (failure == null) {
                pending.result.complete(value);
            } else {
                pending.result.completeExceptionally(unwrap(failure));
            }
            start(next);
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static final class Level {
        final long stride;
        final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
        long pass;

        Level(long stride) {
            this.stride = stride;
        }
    }

    private static final class Pending<T> {
        final Supplier<CompletableFuture<T>> work;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Pending(Supplier<CompletableFuture<T>> work) {
            this.work = work;
        }
    }

    /**
     * Runs a job on the calling thread, but a job submitted while one already runs on that thread
     * waits until it returns: a long queue of work that completes at once is dispatched in a loop
     * instead of one stack frame per request.
     */
    private static final class Trampoline implements Executor {
        private final ThreadLocal<ArrayDeque<Runnable>> pendingJobs = new ThreadLocal<>();

        @Override
        public void execute(Runnable job) {
            ArrayDeque<Runnable> queue = pendingJobs.get();
            if (queue != null) {
                queue.addLast(job);
                return;
            }
            queue = new ArrayDeque<>();
            pendingJobs.set(queue);
            try {
                for (Runnable next = job; next != null; next = queue.pollFirst()) {
                    next.run();
                }
            } finally {
                pendingJobs.remove();
            }
        }
    }
}
