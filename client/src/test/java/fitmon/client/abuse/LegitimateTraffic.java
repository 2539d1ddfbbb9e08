package fitmon.client.abuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import fitmon.client.console.ConsoleListener;
import fitmon.client.console.SignatureStatus;
import fitmon.client.console.VotedEvent;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.PublishResult;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A probe publishing one event every {@code period} and a console voting on what every replica
 * delivers, while attacks run: what was acknowledged, what the console released, how long each
 * publish took and what went wrong.
 */
final class LegitimateTraffic implements ConsoleListener, AutoCloseable {

    private final ProbeClient probe;
    private final String tag;
    private final Duration period;
    private final Thread publisher;
    private volatile boolean running = true;

    final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    final List<Long> publishMillis = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Map<Long, Integer> delivered = new ConcurrentHashMap<>();
    final List<Long> deliveredInOrder = new CopyOnWriteArrayList<>();
    final Set<String> consoleProblems = ConcurrentHashMap.newKeySet();
    final AtomicInteger lostSessions = new AtomicInteger();

    LegitimateTraffic(ProbeClient probe, String tag, Duration period) {
        this.probe = probe;
        this.tag = tag;
        this.period = period;
        this.publisher = new Thread(this::publishLoop, "legitimate-probe");
    }

    void start() {
        publisher.start();
    }

    private void publishLoop() {
        long i = 0;
        while (running) {
            long started = System.nanoTime();
            try {
                PublishResult result = probe.publish(tag, JsonNodeFactory.instance.objectNode().put("i", i++));
                publishMillis.add((System.nanoTime() - started) / 1_000_000);
                if (result.status() == PublishResult.Status.APPENDED) {
                    acknowledged.add(result.channelSeq());
                } else {
                    failures.add(result.status() + " " + result.code() + " " + result.detail());
                }
            } catch (RuntimeException e) {
                failures.add(e.toString());
            }
            long rest = period.toMillis() - (System.nanoTime() - started) / 1_000_000;
            if (rest > 0) {
                try {
                    Thread.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void onEvent(VotedEvent event) {
        delivered.merge(event.channelSeq(), 1, Integer::sum);
        deliveredInOrder.add(event.channelSeq());
        if (event.signature() != SignatureStatus.VERIFIED) {
            consoleProblems.add("event " + event.channelSeq() + " signature " + event.signature());
        }
    }

    @Override
    public void onReplicaStatus(int replica, String status, String detail) {
        if (status.equals("lost") || status.equals("refused")) {
            lostSessions.incrementAndGet();
            consoleProblems.add("replica " + replica + " " + status + ": " + detail);
        }
    }

    /** The publish latency at a quantile, in milliseconds. */
    long quantile(double q) {
        List<Long> sorted = new ArrayList<>(publishMillis);
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    boolean allAcknowledgedDelivered() {
        return acknowledged.stream().allMatch(delivered::containsKey);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        // let a publish in flight finish: interrupting it would count as a failed publish
        publisher.join(30_000);
        if (publisher.isAlive()) {
            publisher.interrupt();
            publisher.join(10_000);
        }
    }
}
