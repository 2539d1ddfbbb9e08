package fitmon.broker.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.ResultCodec;
import fitmon.replication.OrderingClient;

/**
 * Workers publishing signed events to one channel back to back, one probe each (so every probe's
 * SEQ stays in order), until stopped. Records when each request completed, so a test can see
 * progress and the longest pause between completions.
 */
final class ContinuousLoad implements AutoCloseable {

    private final OrderingClient client;
    private final String tag;
    private final List<TestProbe> probes;
    private final int eventsPerRequest;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong completedRequests = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ExecutorService workers;
    private final long thinkMillis;

    ContinuousLoad(OrderingClient client, String tag, List<TestProbe> probes, int eventsPerRequest) {
        this(client, tag, probes, eventsPerRequest, java.time.Duration.ZERO);
    }

    /**
     * @param think how long each worker waits between two requests: zero saturates the machine;
     *              a few milliseconds leave a replica that rejoins the CPU to catch up
     */
    ContinuousLoad(OrderingClient client, String tag, List<TestProbe> probes, int eventsPerRequest,
                   java.time.Duration think) {
        this.thinkMillis = think.toMillis();
        this.client = client;
        this.tag = tag;
        this.probes = List.copyOf(probes);
        this.eventsPerRequest = eventsPerRequest;
        this.workers = Executors.newFixedThreadPool(probes.size());
    }

    void start() {
        for (TestProbe probe : probes) {
            workers.submit(() -> run(probe));
        }
    }

    private void run(TestProbe probe) {
        while (!stop.get()) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < eventsPerRequest; i++) {
                batch.add(probe.nextBytes(tag));
            }
            try {
                CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(new Publish(tag, batch)))
                        .get(60, TimeUnit.SECONDS));
                if (!(result instanceof CommandResult.Published published)) {
                    failures.add(probe.probeId + ": " + result);
                    continue;
                }
                for (EventOutcome outcome : published.outcomes()) {
                    if (outcome instanceof EventOutcome.Appended) {
                        appended.incrementAndGet();
                    } else {
                        failures.add(probe.probeId + ": " + outcome);
                    }
                }
                completedRequests.incrementAndGet();
                completions.add(System.nanoTime());
                if (thinkMillis > 0) {
                    Thread.sleep(thinkMillis);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures.add(probe.probeId + ": " + e);
            }
        }
    }

    long appended() {
        return appended.get();
    }

    long completedRequests() {
        return completedRequests.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** The longest time without any completed request between two instants (System.nanoTime), in ms. */
    long longestPauseMillis(long fromNanos, long toNanos) {
        long previous = fromNanos;
        long longest = 0;
        List<Long> sorted = new ArrayList<>(completions);
        sorted.sort(Long::compare);
        for (long at : sorted) {
            if (at < fromNanos || at > toNanos) {
                continue;
            }
            longest = Math.max(longest, at - previous);
            previous = at;
        }
        longest = Math.max(longest, toNanos - previous);
        return longest / 1_000_000;
    }

    /** Requests completed between two instants (System.nanoTime). */
    long completedBetween(long fromNanos, long toNanos) {
        return completions.stream().filter(at -> at >= fromNanos && at <= toNanos).count();
    }

    /** Stops the workers and waits for their last requests. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        workers.shutdown();
        if (!workers.awaitTermination(90, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
