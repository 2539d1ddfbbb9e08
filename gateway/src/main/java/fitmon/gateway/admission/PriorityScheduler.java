package fitmon.gateway.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Admits asynchronous work under contention by role priority with weighted fairness. At most
 * {@code concurrency} pieces of work run at once; the others wait in one FIFO per priority. When
 * a slot frees, stride scheduling picks the next: every priority level has a virtual pass, the
 * waiting level with the smallest pass goes and its pass advances by STRIDE / priority. Priority
 * 100 thus gets five times the slots of priority 20, and priority 20 still gets its share: low
 * work is delayed, never starved. No thread blocks while waiting.
 */
public final class PriorityScheduler {

    private static final long STRIDE = 1_000_000L;
    private static final int MIN_PRIORITY = 1;
    private static final int MAX_PRIORITY = 100;

    private record Waiting<T>(Supplier<CompletableFuture<T>> work, CompletableFuture<T> result) {
        void start(PriorityScheduler scheduler) {
            long started = System.nanoTime();
            CompletableFuture<T> running;
            try {
                running = work.get();
            } catch (RuntimeException | Error e) {
                running = CompletableFuture.failedFuture(e);
            }
            java.util.function.BiConsumer<T, Throwable> done = (value, failure) -> {
                scheduler.finished(System.nanoTime() - started);
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            };
            if (running.isDone()) {
                // work that completes at once must not start the next on this stack (a long queue
                // of such work would recurse deeply)
                running.whenCompleteAsync(done);
            } else {
                running.whenComplete(done);
            }
        }
    }

    private static final class Level {
        final ArrayDeque<Waiting<?>> queue = new ArrayDeque<>();
        long pass;
    }

    private final int concurrency;
    private final int maxQueued;
    private final Map<Integer, Level> levels = new TreeMap<>();
    private int running;
    private int queued;
    private long virtualTime;
    private double meanServiceNanos = 10_000_000;

    public PriorityScheduler(int concurrency, int maxQueued) {
        if (concurrency < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("the scheduler needs concurrency >= 1 and max-queued >= 0, got "
                    + concurrency + " and " + maxQueued);
        }
        this.concurrency = concurrency;
        this.maxQueued = maxQueued;
    }

    /**
     * Runs {@code work} when a slot frees; the slot is held until the work's future completes.
     *
     * @param priority 1..100 (clamped)
     * @throws OverloadedException when {@code maxQueued} requests already wait
     */
    public <T> CompletableFuture<T> submit(int priority, Supplier<CompletableFuture<T>> work) {
        int p = Math.max(MIN_PRIORITY, Math.min(MAX_PRIORITY, priority));
        Waiting<T> waiting = new Waiting<>(work, new CompletableFuture<>());
        boolean startNow;
        synchronized (this) {
            if (running < concurrency && queued == 0) {
                running++;
                startNow = true;
            } else {
                if (queued >= maxQueued) {
                    throw new OverloadedException(queued, retryAfter());
                }
                Level level = levels.computeIfAbsent(p, k -> new Level());
                if (level.queue.isEmpty()) {
                    // an idle level cannot bank credit while it had nothing to run
                    level.pass = Math.max(level.pass, virtualTime);
                }
                level.queue.addLast(waiting);
                queued++;
                startNow = false;
            }
        }
        if (startNow) {
            waiting.start(this);
        }
        return waiting.result();
    }

    private void finished(long serviceNanos) {
        Waiting<?> next;
        synchronized (this) {
            meanServiceNanos = 0.9 * meanServiceNanos + 0.1 * serviceNanos;
            next = dequeue();
            if (next == null) {
                running--;
            }
        }
        // the slot passes straight to the next waiting work, outside the lock
        if (next != null) {
            next.start(this);
        }
    }

    private Waiting<?> dequeue() {
        Map.Entry<Integer, Level> chosen = null;
        for (Map.Entry<Integer, Level> entry : levels.entrySet()) {
            Level level = entry.getValue();
            if (!level.queue.isEmpty() && (chosen == null || level.pass <= chosen.getValue().pass)) {
                chosen = entry;
            }
        }
        if (chosen == null) {
            return null;
        }
        Level level = chosen.getValue();
        virtualTime = level.pass;
        level.pass += STRIDE / chosen.getKey();
        queued--;
        return level.queue.pollFirst();
    }

    private Duration retryAfter() {
        double seconds = (queued + running) * meanServiceNanos / concurrency / 1e9;
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }

    public synchronized int queued() {
        return queued;
    }

    public synchronized int running() {
        return running;
    }
}
