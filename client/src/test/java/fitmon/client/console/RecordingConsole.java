package fitmon.client.console;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import fitmon.core.vote.Disagreement;

/** Keeps what a ConsoleClient reports, for assertions. */
final class RecordingConsole implements ConsoleListener {

    final List<VotedEvent> events = new CopyOnWriteArrayList<>();
    final List<Disagreement> disagreements = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(VotedEvent event) {
        events.add(event);
    }

    @Override
    public void onDisagreement(Disagreement disagreement) {
        disagreements.add(disagreement);
    }

    @Override
    public void onReplicaStatus(int replica, String status, String detail) {
        statuses.add(replica + " " + status + " " + detail);
    }

    List<Long> channelSeqs() {
        return events.stream().map(VotedEvent::channelSeq).toList();
    }

    void awaitEvents(int count, Duration timeout) throws InterruptedException {
        await(() -> events.size() >= count, timeout, () -> "expected " + count + " events, got " + events.size()
                + "; replica status: " + statuses);
    }

    static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what.get());
            }
            Thread.sleep(50);
        }
    }
}
