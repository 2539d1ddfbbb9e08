package fitmon.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs requests from W workers for a warm-up and a measured time, closed loop (each of a worker's
 * C threads sends as soon as its previous request returned) or open loop (requests at intended
 * times spread evenly over the workers; latency counts from the intended time, so a stalled server
 * is charged for the requests it held back: no coordinated omission). Only requests whose start
 * falls in the measured window count.
 */
final class LoadDriver {

    /** Longest latency the histograms track. */
    static final long MAX_LATENCY_MICROS = Duration.ofMinutes(5).toNanos() / 1000;

    /**
     * @param ratePerSecond requests/s over all workers (open loop), 0 for a closed loop
     */
    record Plan(String label, String unit, int workers, int threadsPerWorker, double ratePerSecond, int eventsPerRequest,
                Duration warmup, Duration duration, Duration progressEvery) {
    }

    /** One request; tells the tally what became of it. */
    interface Request {
        /**
         * @param startNanos the intended start (open loop) or the actual one ({@link System#nanoTime()})
         * @param measured   whether the request counts
         */
        void send(int worker, long startNanos, boolean measured, Tally tally) throws Exception;
    }

    /** What the requests report; counts only requests of the measured window. */
    static final class Tally {
        private final LongAdder accepted = new LongAdder();
        private final LongAdder intervalAccepted = new LongAdder();
        private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final LongAdder allErrors = new LongAdder();

        void accepted(boolean measured, int events) {
            intervalAccepted.add(events);
            if (measured) {
                accepted.add(events);
            }
        }

        void refused(boolean measured, String code, int events) {
            if (measured) {
                refused.computeIfAbsent(code, k -> new LongAdder()).add(events);
            }
        }

        void error(boolean measured, String what) {
            allErrors.increment();
            if (measured) {
                errors.computeIfAbsent(what, k -> new LongAdder()).increment();
            }
        }

        private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    /**
     * What a step measured.
     *
     * @param requests requests started in the window that completed (any outcome)
     * @param accepted events the server accepted from those requests
     */
    record Measurement(double seconds, long requests, long accepted, Map<String, Long> refused, Map<String, Long> errors,
                       Histogram latencyMicros) {

        double acceptedPerSecond() {
            return accepted / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private LoadDriver() {
    }

    /** Told when the measured window opens and closes (within 100 ms), e.g. to sample CPU times. */
    interface Window {
        void opened();

        void closed();
    }

    static Measurement run(Plan plan, Request request, Consumer<String> progress, Window window)
            throws InterruptedException {
        Tally tally = new Tally();
        Histogram latency = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
        Recorder interval = new Recorder(MAX_LATENCY_MICROS, 3);
        AtomicLong requests = new AtomicLong();
        long t0 = System.nanoTime() + Duration.ofMillis(50).toNanos();
        long measureFrom = t0 + plan.warmup().toNanos();
        long end = measureFrom + plan.duration().toNanos();
        // open loop: one worker's requests are W * (1 / rate) apart, workers staggered evenly
        long workerIntervalNanos = plan.ratePerSecond() > 0 ? Math.round(plan.workers() * 1e9 / plan.ratePerSecond()) : 0;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < plan.workers(); w++) {
            int worker = w;
            AtomicLong slots = new AtomicLong();
            long offset = plan.workers() == 0 ? 0 : workerIntervalNanos * w / plan.workers();
            for (int c = 0; c < plan.threadsPerWorker(); c++) {
                Thread thread = new Thread(() -> {
                    while (true) {
                        long start;
                        if (workerIntervalNanos > 0) {
                            start = t0 + offset + slots.getAndIncrement() * workerIntervalNanos;
                            if (start >= end) {
                                return;
                            }
                            long wait;
                            while ((wait = start - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        } else {
                            start = System.nanoTime();
                            if (start >= end) {
                                return;
                            }
                            if (start < t0) {
                                LockSupport.parkNanos(t0 - start);
                                start = System.nanoTime();
                            }
                        }
                        boolean measured = start >= measureFrom;
                        try {
                            request.send(worker, start, measured, tally);
                        } catch (Exception e) {
                            tally.error(measured, describe(e));
                        }
                        long micros = Math.min(MAX_LATENCY_MICROS, Math.max(1, (System.nanoTime() - start) / 1000));
                        interval.recordValue(micros);
                        if (measured) {
                            latency.recordValue(micros);
                            requests.incrementAndGet();
                        }
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                    }
                }, "load-" + plan.label() + "-w" + w + "-" + c);
                thread.setDaemon(true);
                threads.add(thread);
            }
        }
        threads.forEach(Thread::start);
        long nextReport = System.nanoTime() + plan.progressEvery().toNanos();
        long lastReport = t0;
        Histogram progressHistogram = null;
        boolean opened = false;
        boolean closed = false;
        try {
            while (threads.stream().anyMatch(Thread::isAlive)) {
                long now = System.nanoTime();
                if (!opened && now >= measureFrom) {
                    opened = true;
                    window.opened();
                }
                if (!closed && now >= end) {
                    closed = true;
                    window.closed();
                }
                if (now >= nextReport) {
                    progressHistogram = interval.getIntervalHistogram(progressHistogram);
                    long events = tally.intervalAccepted.sumThenReset();
                    double seconds = (now - lastReport) / 1e9;
                    String phase = now < measureFrom ? "warm-up" : now < end ? "measuring" : "finishing";
                    progress.accept(String.format(Locale.ROOT, "%s %s %5.0fs: %,9.0f %s/s, p50 %s p99 %s, errors %d",
                            plan.label(), phase, (now - t0) / 1e9, events / seconds, plan.unit(),
                            millis(progressHistogram.getValueAtPercentile(50)),
                            millis(progressHistogram.getValueAtPercentile(99)), tally.allErrors.sum()));
                    lastReport = now;
                    nextReport = now + plan.progressEvery().toNanos();
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        if (!opened) {
            window.opened();
        }
        if (!closed) {
            window.closed();
        }
        return new Measurement(plan.duration().toNanos() / 1e9, requests.get(), tally.accepted.sum(),
                Tally.snapshot(tally.refused), Tally.snapshot(tally.errors), latency);
    }

    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    private static String describe(Exception e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + ": " + firstLine(e.getMessage());
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
