package fitmon.gateway.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import fitmon.testkit.SignedHttp;

/**
 * A flood of low-priority requests and a later burst of high-priority ones, each request on its
 * own thread, recording in which order they complete.
 */
final class PriorityRace {

    record Outcome(List<Integer> statuses, int lowCompletedAfterLastHigh) {
    }

    private record Sent(boolean high, Future<int[]> result) {
    }

    private final SignedHttp gateway;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger completions = new AtomicInteger();
    private final List<Sent> sent = new ArrayList<>();

    PriorityRace(SignedHttp gateway) {
        this.gateway = gateway;
    }

    void flood(SignedHttp.ApiKey key, int count, IntFunction<String> body) {
        send(false, key, count, body);
    }

    void burst(SignedHttp.ApiKey key, int count, IntFunction<String> body) {
        send(true, key, count, body);
    }

    private void send(boolean high, SignedHttp.ApiKey key, int count, IntFunction<String> body) {
        for (int i = 0; i < count; i++) {
            String json = body.apply(i);
            sent.add(new Sent(high, threads.submit(() -> {
                HttpResponse<String> response = gateway.post(key, "/api/v1/channels", json);
                return new int[] {response.statusCode(), completions.incrementAndGet()};
            })));
        }
    }

    void awaitCompleted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completions.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + completions.get() + " requests completed in " + timeout);
            }
            Thread.sleep(20);
        }
    }

    Outcome awaitAll(Duration timeout) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        int lastHigh = 0;
        List<Integer> lowOrder = new ArrayList<>();
        for (Sent s : sent) {
            int[] result = s.result().get(timeout.toSeconds(), TimeUnit.SECONDS);
            statuses.add(result[0]);
            if (s.high()) {
                lastHigh = Math.max(lastHigh, result[1]);
            } else {
                lowOrder.add(result[1]);
            }
        }
        threads.shutdown();
        int last = lastHigh;
        return new Outcome(statuses, (int) lowOrder.stream().filter(order -> order > last).count());
    }
}
