package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import fitmon.client.console.ConsoleListener;
import fitmon.client.console.SignatureStatus;
import fitmon.client.console.VotedEvent;
import fitmon.core.vote.Disagreement;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Follows what a voting console delivers and holds it against what the generator sent: every
 * acknowledged event delivered exactly once, nothing delivered that was not sent, consecutive
 * channel seqs on ordered channels; on the others, whether each probe's SEQs arrive increasing
 * (DESIGN.md's per-probe FIFO, counted apart); publish→voted latency
 * per step. Also keeps what the console reported about replicas (lost sessions, refusals such as
 * SLOW_CONSUMER, disagreements).
 */
final class DeliveryCheck implements ConsoleListener {

    private static final int MAX_EXAMPLES = 10;

    record EventKey(String tag, String probeId, long seq) {
    }

    /** The deliveries of one step and what is wrong with them. */
    static final class Step {
        final String label;
        final Histogram votedMicros = new ConcurrentHistogram(LoadDriver.MAX_LATENCY_MICROS, 3);
        final LongAdder sent = new LongAdder();
        final LongAdder acknowledged = new LongAdder();
        final LongAdder acknowledgedDelivered = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder notVerified = new LongAdder();

        Step(String label) {
            this.label = label;
        }
    }

    private static final class Sent {
        final Step step;
        final long startNanos;
        final boolean measured;
        volatile boolean acknowledged;
        int deliveries;

        Sent(Step step, long startNanos, boolean measured) {
            this.step = step;
            this.startNanos = startNanos;
            this.measured = measured;
        }
    }

    private final Map<EventKey, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastChannelSeq = new ConcurrentHashMap<>();
    private final Map<String, Long> lastProbeSeq = new ConcurrentHashMap<>();
    private final Set<String> ordered = ConcurrentHashMap.newKeySet();
    private final LongAdder forged = new LongAdder();
    private final LongAdder orderViolations = new LongAdder();
    private final LongAdder fifoViolations = new LongAdder();
    private final LongAdder disagreements = new LongAdder();
    private final LongAdder slowConsumer = new LongAdder();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> incidents = Collections.synchronizedList(new ArrayList<>());

    void follow(String tag, boolean orderedClass) {
        if (orderedClass) {
            ordered.add(tag);
            lastChannelSeq.put(tag, new AtomicLong());
        }
    }

    /** Before the request leaves: the event may be delivered before its 202 arrives. */
    void sending(Step step, EventKey key, long startNanos, boolean measured) {
        sent.put(key, new Sent(step, startNanos, measured));
        step.sent.increment();
    }

    /** The gateway answered APPENDED or QUEUED for it. */
    void acknowledged(EventKey key) {
        Sent s = sent.get(key);
        synchronized (s) {
            s.acknowledged = true;
            s.step.acknowledged.increment();
            if (s.deliveries > 0) {
                s.step.acknowledgedDelivered.increment();
            }
        }
    }

    @Override
    public void onEvent(VotedEvent event) {
        long now = System.nanoTime();
        EventKey key = new EventKey(event.tag(), event.event().probeId(), event.event().seq());
        Sent s = sent.get(key);
        if (s == null) {
            forged.increment();
            problem("delivered but never sent: " + key + " channel seq " + event.channelSeq());
            return;
        }
        checkOrder(event, key);
        synchronized (s) {
            s.deliveries++;
            if (s.deliveries > 1) {
                s.step.duplicates.increment();
                problem("delivered " + s.deliveries + " times: " + key);
                return;
            }
            if (s.acknowledged) {
                s.step.acknowledgedDelivered.increment();
            }
        }
        s.step.delivered.increment();
        if (event.signature() != SignatureStatus.VERIFIED) {
            s.step.notVerified.increment();
            problem("signature " + event.signature() + ": " + key);
        }
        if (s.measured) {
            s.step.votedMicros.recordValue(Math.min(LoadDriver.MAX_LATENCY_MICROS, Math.max(1, (now - s.startNanos) / 1000)));
        }
    }

    private void checkOrder(VotedEvent event, EventKey key) {
        if (ordered.contains(key.tag())) {
            AtomicLong last = lastChannelSeq.get(key.tag());
            long previous = last.getAndSet(event.channelSeq());
            if (event.channelSeq() != previous + 1) {
                orderViolations.increment();
                problem("channel " + key.tag() + ": seq " + event.channelSeq() + " delivered after " + previous);
            }
        } else {
            String probe = key.tag() + "/" + key.probeId();
            Long previous = lastProbeSeq.put(probe, key.seq());
            if (previous != null && key.seq() <= previous) {
                fifoViolations.increment();
                problem(probe + ": SEQ " + key.seq() + " delivered after " + previous);
            }
        }
    }

    @Override
    public void onDisagreement(Disagreement disagreement) {
        disagreements.increment();
        incident("replica " + disagreement.replica() + " disagreed: " + disagreement.kind() + " on " + disagreement.key());
    }

    @Override
    public void onSystem(int replica, JsonNode message) {
        incident("replica " + replica + " system message " + message);
    }

    @Override
    public void onReplicaStatus(int replica, String status, String detail) {
        if (detail != null && detail.contains("SLOW_CONSUMER")) {
            slowConsumer.increment();
        }
        if (!"connected".equals(status)) {
            incident("replica " + replica + " " + status + ": " + detail);
        }
    }

    /** Waits until every event of the step that was acknowledged has been delivered, at most {@code timeoutNanos}. */
    boolean awaitDelivered(Step step, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (step.acknowledgedDelivered.sum() < step.acknowledged.sum()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Acknowledged events of the step that the console never delivered (a few, as examples). */
    List<String> missing(Step step) {
        List<String> examples = new ArrayList<>();
        sent.forEach((key, s) -> {
            if (s.step == step && s.acknowledged && s.deliveries == 0 && examples.size() < MAX_EXAMPLES) {
                examples.add(key.toString());
            }
        });
        return examples;
    }

    long forged() {
        return forged.sum();
    }

    long orderViolations() {
        return orderViolations.sum();
    }

    /** Unordered classes: a probe's event delivered after one with a higher SEQ. */
    long fifoViolations() {
        return fifoViolations.sum();
    }

    long disagreements() {
        return disagreements.sum();
    }

    long slowConsumer() {
        return slowConsumer.sum();
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    List<String> incidents() {
        synchronized (incidents) {
            return List.copyOf(incidents);
        }
    }

    private void problem(String text) {
        synchronized (problems) {
            if (problems.size() < 50) {
                problems.add(text);
            }
        }
    }

    private void incident(String text) {
        synchronized (incidents) {
            if (incidents.size() < 200) {
                incidents.add(text);
            }
        }
    }
}
