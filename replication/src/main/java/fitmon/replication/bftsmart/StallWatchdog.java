package fitmon.replication.bftsmart;

import java.time.Duration;

import bftsmart.tom.core.TOMLayer;

/**
 * Notices a replica that executes nothing while its peers keep ordering, and has it fetch their
 * state. Evidence that the peers moved on: the leader's proposal for an instance at least two past
 * the last executed one, which the leader makes only after deciding the one before. After
 * {@value #STALLED_TIMEOUTS} ordering timeouts without progress and with such a proposal held, the
 * check moves to the library's message thread ({@link CatchUpStateManager#requestCheck}), which
 * fetches state only if an instance beyond is decidable from authenticated messages of a quorum.
 * The check repeats every {@value #STALLED_TIMEOUTS} timeouts while the replica stays stuck.
 */
final class StallWatchdog implements AutoCloseable {

    static final int STALLED_TIMEOUTS = 3;

    private final CatchUpStateManager stateManager;
    private final long stallNanos;
    private final Duration period;
    private final Thread thread;
    private volatile boolean running = true;
    private int lastSeen = Integer.MIN_VALUE;
    private long lastProgress;

    StallWatchdog(int replicaId, CatchUpStateManager stateManager, Duration orderingTimeout) {
        this.stateManager = stateManager;
        this.period = orderingTimeout;
        this.stallNanos = orderingTimeout.toNanos() * STALLED_TIMEOUTS;
        this.thread = new Thread(this::run, "fitmon-replica-" + replicaId + "-stall-watchdog");
        thread.setDaemon(true);
    }

    void start() {
        lastProgress = System.nanoTime();
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            check(System.nanoTime());
        }
    }

    private void check(long now) {
        TOMLayer layer = stateManager.layer();
        if (layer == null) {
            return;
        }
        int last = layer.getLastExec();
        if (last != lastSeen || layer.isRetrievingState()) {
            lastSeen = last;
            lastProgress = now;
            return;
        }
        if (now - lastProgress < stallNanos || !peersMovedOn(layer, last)) {
            return;
        }
        lastProgress = now;
        stateManager.requestCheck(last);
    }

    private static boolean peersMovedOn(TOMLayer layer, int last) {
        int highMark = layer.controller.getStaticConf().getPaxosHighMark();
        for (int cid = last + 2; cid < last + highMark; cid++) {
            if (layer.execManager.receivedOutOfContextPropose(cid)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
