package fitmon.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PrioritySchedulerTest {

    /** Work that records when it started and completes only when the test says so. */
    private static final class Manual {
        final List<String> started = new ArrayList<>();
        final List<CompletableFuture<String>> running = new ArrayList<>();

        java.util.function.Supplier<CompletableFuture<String>> work(String name) {
            return () -> {
                started.add(name);
                CompletableFuture<String> future = new CompletableFuture<>();
                running.add(future);
                return future;
            };
        }

        void completeOldest() {
            CompletableFuture<String> next = running.stream().filter(f -> !f.isDone()).findFirst().orElseThrow();
            next.complete("done");
        }
    }

    @Test
    void highPriorityGetsFiveTimesTheSlotsOfLowAndLowIsNeverStarved() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 1000);
        Manual manual = new Manual();
        scheduler.submit(20, manual.work("first"));
        List<CompletableFuture<String>> lows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lows.add(scheduler.submit(20, manual.work("L" + i)));
        }
        for (int i = 0; i < 10; i++) {
            scheduler.submit(100, manual.work("H" + i));
        }
        assertThat(scheduler.queued()).isEqualTo(60);
        assertThat(scheduler.running()).isEqualTo(1);
        for (int i = 0; i < 12; i++) {
            manual.completeOldest();
        }
        List<String> firstTwelve = manual.started.subList(1, 13);
        assertThat(firstTwelve.stream().filter(n -> n.startsWith("H"))).hasSize(10);
        assertThat(firstTwelve.stream().filter(n -> n.startsWith("L"))).hasSizeBetween(2, 2);
        // FIFO within a level
        assertThat(manual.started.stream().filter(n -> n.startsWith("H")).toList())
                .containsExactly("H0", "H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9");
        while (scheduler.queued() > 0 || scheduler.running() > 0) {
            manual.completeOldest();
        }
        assertThat(lows).allMatch(CompletableFuture::isDone);
        assertThat(manual.started.stream().filter(n -> n.startsWith("L")).toList()).hasSize(50)
                .startsWith("L0", "L1", "L2");
    }

    @Test
    void aFullQueueIsRefusedWithARetryAfterOfAtLeastOneSecond() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 2);
        Manual manual = new Manual();
        scheduler.submit(10, manual.work("a"));
        scheduler.submit(10, manual.work("b"));
        scheduler.submit(10, manual.work("c"));
        assertThatThrownBy(() -> scheduler.submit(100, manual.work("d")))
                .isInstanceOfSatisfying(OverloadedException.class,
                        e -> assertThat(e.retryAfter().toSeconds()).isGreaterThanOrEqualTo(1));
        assertThat(manual.started).containsExactly("a");
    }

    @Test
    void failingWorkReleasesItsSlotAndFailsItsFuture() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        CompletableFuture<String> thrown = scheduler.submit(10, () -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<String> failed = scheduler.submit(10,
                () -> CompletableFuture.failedFuture(new IllegalArgumentException("bad")));
        CompletableFuture<String> fine = scheduler.submit(10, () -> CompletableFuture.completedFuture("ok"));
        assertThat(fine.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("ok");
        assertThat(thrown).isCompletedExceptionally();
        assertThat(failed).isCompletedExceptionally();
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void underConcurrentLoadRunningNeverExceedsConcurrencyAndEverythingCompletes() throws Exception {
        PriorityScheduler scheduler = new PriorityScheduler(3, 100_000);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorService completer = Executors.newFixedThreadPool(4);
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            submitters.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    int priority = ThreadLocalRandom.current().nextInt(1, 101);
                    all.add(scheduler.submit(priority, () -> {
                        maxSeen.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        return CompletableFuture.supplyAsync(() -> {
                            inFlight.decrementAndGet();
                            return priority;
                        }, completer);
                    }));
                }
            });
        }
        submitters.shutdown();
        assertThat(submitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        completer.shutdown();
        assertThat(all).hasSize(2000);
        assertThat(maxSeen.get()).isBetween(1, 3);
        assertThat(scheduler.running()).isZero();
        assertThat(scheduler.queued()).isZero();
    }
}
