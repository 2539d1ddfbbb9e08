package fitmon.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class PrioritySchedulerTest {

    private static final int LOW = 20;
    private static final int HIGH = 100;

    /** Labels in the order their work was started. */
    private final List<String> started = Collections.synchronizedList(new ArrayList<>());
    /** Futures of started work, completed by hand. */
    private final ConcurrentLinkedQueue<CompletableFuture<String>> inFlight = new ConcurrentLinkedQueue<>();

    private Supplier<CompletableFuture<String>> work(String label) {
        return () -> {
            started.add(label);
            CompletableFuture<String> future = new CompletableFuture<>();
            inFlight.add(future);
            return future;
        };
    }

    /** Completes the oldest running work, which lets the scheduler start the next. */
    private void finishOne() {
        CompletableFuture<String> oldest = inFlight.poll();
        assertThat(oldest).as("some work is running").isNotNull();
        oldest.complete("done");
    }

    @Test
    void slotsGoToLevelsInProportionToTheirPriority() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 100);
        scheduler.submit(50, work("blocker"));
        for (int i = 0; i < 50; i++) {
            scheduler.submit(LOW, work("L" + i));
        }
        for (int i = 0; i < 10; i++) {
            scheduler.submit(HIGH, work("H" + i));
        }
        assertThat(scheduler.queued()).isEqualTo(60);

        for (int i = 0; i < 12; i++) {
            finishOne();
        }

        // stride 1 for HIGH, 5 for LOW: every LOW dispatch is followed by five HIGH ones
        assertThat(started.subList(1, 13)).containsExactly(
                "H0", "L0", "H1", "H2", "H3", "H4", "H5", "L1", "H6", "H7", "H8", "H9");
        assertThat(scheduler.queued()).as("all high done while lows still wait").isEqualTo(48);

        for (int i = 0; i < 48; i++) {
            finishOne();
        }
        assertThat(started).hasSize(61).containsAll(IntStream.range(0, 50).mapToObj(i -> "L" + i).toList());
        finishOne();
        assertThat(scheduler.queued()).isZero();
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void lowPriorityIsDelayedButNeverStarvedUnderSustainedHighLoad() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 1_000);
        scheduler.submit(50, work("blocker"));
        for (int i = 0; i < 5; i++) {
            scheduler.submit(HIGH, work("H"));
            scheduler.submit(LOW, work("L"));
        }

        for (int i = 0; i < 600; i++) {
            finishOne();
            // keep both levels backlogged
            String last = started.get(started.size() - 1);
            scheduler.submit(last.equals("H") ? HIGH : LOW, work(last));
        }

        long lows = started.stream().skip(1).filter("L"::equals).count();
        assertThat(lows).isBetween(99L, 101L); // 600 / 6
    }

    @Test
    void levelThatWasIdleBanksNoCredit() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 100);
        scheduler.submit(50, work("blocker"));
        for (int i = 0; i < 30; i++) {
            scheduler.submit(HIGH, work("H"));
        }
        for (int i = 0; i < 20; i++) {
            finishOne();
        }
        for (int i = 0; i < 10; i++) {
            scheduler.submit(LOW, work("L"));
        }

        for (int i = 0; i < 12; i++) {
            finishOne();
        }

        // the low level joins at the current virtual time: it gets its 1-in-6 share, not a run of slots
        long lows = started.subList(started.size() - 12, started.size()).stream().filter("L"::equals).count();
        assertThat(lows).isEqualTo(2);
    }

    @Test
    void requestsOfOneLevelRunInArrivalOrder() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 100);
        scheduler.submit(50, work("blocker"));
        List<String> labels = IntStream.range(0, 20).mapToObj(i -> "W" + i).toList();
        labels.forEach(label -> scheduler.submit(30, work(label)));

        for (int i = 0; i < 20; i++) {
            finishOne();
        }

        assertThat(started.subList(1, 21)).containsExactlyElementsOf(labels);
    }

    @Test
    void runsAtOnceWhileSlotsAreFree() {
        PriorityScheduler scheduler = new PriorityScheduler(3, 0);

        CompletableFuture<String> a = scheduler.submit(1, work("a"));
        scheduler.submit(1, work("b"));
        scheduler.submit(1, work("c"));

        assertThat(started).containsExactly("a", "b", "c");
        assertThat(scheduler.running()).isEqualTo(3);
        finishOne();
        assertThat(a).isCompletedWithValue("done");
        assertThat(scheduler.running()).isEqualTo(2);
    }

    @Test
    void fullQueueRefusesAtOnceWithRetryAfter() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 3);
        scheduler.submit(50, work("blocker"));
        for (int i = 0; i < 3; i++) {
            scheduler.submit(50, work("W" + i));
        }

        assertThatThrownBy(() -> scheduler.submit(100, work("one too many")))
                .isInstanceOfSatisfying(OverloadedException.class,
                        e -> assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(scheduler.queued()).isEqualTo(3);
        assertThat(started).containsExactly("blocker");

        finishOne(); // room again
        assertThat(scheduler.submit(100, work("admitted"))).isNotNull();
        assertThat(scheduler.queued()).isEqualTo(3);
    }

    @Test
    void supplierThatThrowsReleasesItsSlotAndFailsTheFuture() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        IllegalStateException boom = new IllegalStateException("boom");

        CompletableFuture<String> failed = scheduler.submit(10, () -> {
            throw boom;
        });

        assertThat(failed).isCompletedExceptionally();
        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        assertThat(scheduler.running()).isZero();
        scheduler.submit(10, work("next"));
        assertThat(started).containsExactly("next");
    }

    @Test
    void queuedSupplierThatThrowsHandsTheSlotOn() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        scheduler.submit(10, work("blocker"));
        CompletableFuture<String> failed = scheduler.submit(10, () -> {
            throw new IllegalStateException("boom");
        });
        scheduler.submit(10, work("after"));

        finishOne();

        assertThat(failed).isCompletedExceptionally();
        assertThat(started).containsExactly("blocker", "after");
        assertThat(scheduler.running()).isEqualTo(1);
    }

    @Test
    void failedWorkReleasesItsSlotAndFailsWithTheSameCause() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        CompletableFuture<String> result = scheduler.submit(10, work("w"));
        IllegalStateException cause = new IllegalStateException("replicas disagree");

        inFlight.poll().completeExceptionally(cause);

        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).cause().isSameAs(cause);
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void failureOfADependentStageIsUnwrapped() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        IllegalStateException cause = new IllegalStateException("late");
        CompletableFuture<String> source = new CompletableFuture<>();

        CompletableFuture<String> result = scheduler.submit(10, () -> source.thenApply(s -> {
            throw cause;
        }));
        source.complete("x");

        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).cause().isSameAs(cause);
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void nullFutureFromTheSupplierIsAFailureNotALostSlot() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);

        CompletableFuture<String> result = scheduler.submit(10, () -> null);

        assertThatThrownBy(result::get).cause().isInstanceOf(NullPointerException.class);
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void requestCancelledWhileWaitingIsSkipped() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);
        scheduler.submit(10, work("blocker"));
        CompletableFuture<String> cancelled = scheduler.submit(10, work("cancelled"));
        scheduler.submit(10, work("kept"));

        cancelled.cancel(false);
        finishOne();

        assertThat(started).containsExactly("blocker", "kept");
        assertThat(scheduler.queued()).isZero();
    }

    @Test
    void longQueueOfWorkThatCompletesAtOnceIsDispatchedWithoutDeepRecursion() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 100_000);
        scheduler.submit(50, work("blocker"));
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            int value = i;
            results.add(scheduler.submit(1 + i % 100, () -> CompletableFuture.completedFuture(value)));
        }

        finishOne();

        assertThat(results).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(scheduler.running()).isZero();
        assertThat(scheduler.queued()).isZero();
    }

    @Test
    void suppliersRunOnTheGivenDispatcher() throws Exception {
        ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> new Thread(r, "dispatcher"));
        try {
            PriorityScheduler scheduler = new PriorityScheduler(1, 10, dispatcher);

            CompletableFuture<String> result = scheduler.submit(10,
                    () -> CompletableFuture.completedFuture(Thread.currentThread().getName()));

            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("dispatcher");
        } finally {
            dispatcher.shutdownNow();
        }
    }

    @Test
    void dispatcherThatRefusesFailsTheRequestAndFreesTheSlot() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10, job -> {
            throw new java.util.concurrent.RejectedExecutionException("shutting down");
        });

        CompletableFuture<String> result = scheduler.submit(10, work("never"));

        assertThatThrownBy(result::get).cause().isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(started).isEmpty();
        assertThat(scheduler.running()).isZero();
    }

    @Test
    void priorityOutsideOneToHundredIsRejected() {
        PriorityScheduler scheduler = new PriorityScheduler(1, 10);

        assertThatThrownBy(() -> scheduler.submit(0, work("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheduler.submit(101, work("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentSubmittersNeverExceedTheConcurrencyAndEveryAdmittedRequestCompletes() throws Exception {
        int concurrency = 4;
        PriorityScheduler scheduler = new PriorityScheduler(concurrency, 200);
        ScheduledExecutorService completer = Executors.newScheduledThreadPool(3);
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger overloaded = new AtomicInteger();
        ConcurrentLinkedQueue<CompletableFuture<Integer>> admitted = new ConcurrentLinkedQueue<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(submitters.submit(() -> {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 1_000; i++) {
                        int value = i;
                        Supplier<CompletableFuture<Integer>> work = () -> {
                            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                            maxRunning.accumulateAndGet(scheduler.running(), Math::max);
                            CompletableFuture<Integer> future = new CompletableFuture<>();
                            Runnable finish = () -> {
                                active.decrementAndGet();
                                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                                    future.completeExceptionally(new IllegalStateException("failed " + value));
                                } else {
                                    future.complete(value);
                                }
                            };
                            switch (ThreadLocalRandom.current().nextInt(3)) {
                                case 0 -> finish.run();
                                case 1 -> completer.execute(finish);
                                default -> completer.schedule(finish,
                                        ThreadLocalRandom.current().nextInt(500), TimeUnit.MICROSECONDS);
                            }
                            return future;
                        };
                        try {
                            admitted.add(scheduler.submit(1 + random.nextInt(100), work));
                        } catch (OverloadedException e) {
                            overloaded.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(admitted.stream()
                    .map(f -> f.exceptionally(e -> -1))
                    .collect(Collectors.toList()).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
        } finally {
            submitters.shutdownNow();
            completer.shutdownNow();
        }

        assertThat(admitted.size() + overloaded.get()).isEqualTo(8_000);
        assertThat(admitted).allMatch(CompletableFuture::isDone);
        assertThat(admitted.stream().filter(f -> !f.isCompletedExceptionally()).count()).isPositive();
        assertThat(admitted.stream().filter(CompletableFuture::isCompletedExceptionally)
                .map(f -> f.handle((v, e) -> e instanceof CompletionException ? e.getCause() : e).join())
                .allMatch(e -> e instanceof IllegalStateException)).isTrue();
        assertThat(maxActive.get()).isLessThanOrEqualTo(concurrency);
        assertThat(maxRunning.get()).isLessThanOrEqualTo(concurrency);
        assertThat(scheduler.running()).isZero();
        assertThat(scheduler.queued()).isZero();
    }
}
