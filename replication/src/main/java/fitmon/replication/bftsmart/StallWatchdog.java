package fitmon.replication.bftsmart;

import java.time.Duration;
import java.util.function.Consumer;

import bftsmart.communication.ServerCommunicationSystem;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.leaderchange.LCManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a ready replica once per ordering timeout:
 *
 * <ul>
 *   <li>asks the library's message thread for housekeeping ({@link LeaderChangeGuard});</li>
 *   <li>after {@value #STALLED_TIMEOUTS} timeouts without executing anything, asks the message
 *       thread to check whether the group went on without this replica and, if so, to fetch the
 *       group's state ({@link CatchUpStateManager#requestCheck}); the check itself needs an
 *       instance decidable from a quorum's authenticated messages, so asking is harmless; it
 *       repeats every {@value #STALLED_TIMEOUTS} timeouts while the replica stays stuck;</li>
 *   <li>notices a message thread that died (the library's loop ends on any exception) or stopped
 *       answering: a replica in either state can never order again, so a dead thread fails the
 *       replica (its process ends and is restarted), an unresponsive one is logged with its stack
 *       after {@value #UNRESPONSIVE_TIMEOUTS} timeouts and fails the replica as well if it spins in
 *       one of the library's endless waits ({@link EndlessLibraryWait}) or after
 *       {@value #GIVE_UP_TIMEOUTS} timeouts.</li>
 * </ul>
 *
 * <p>What it sees is published as {@link #activity()}, for health and the read API.
 */
final class StallWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);

    static final int STALLED_TIMEOUTS = 3;
    /** Timeouts a state transfer may take before it is asked again of another replica. */
    static final int STATE_RETRY_TIMEOUTS = 10;
    /** While stalled, a warning every this many checks (each one stall period apart). */
    private static final int STALL_REPORT_EVERY = 10;
    /** Timeouts without the message thread running a self-addressed request before it counts as stuck. */
    static final int UNRESPONSIVE_TIMEOUTS = 15;
    /** Timeouts without the message thread answering after which the replica is given up whatever it is doing. */
    static final int GIVE_UP_TIMEOUTS = 60;

    private final int replicaId;
    private final CatchUpStateManager stateManager;
    private final Consumer<Throwable> failed;
    private final long stallNanos;
    private final Duration period;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String activity = "starting";
    private int lastSeen = Integer.MIN_VALUE;
    private long lastProgress;
    private boolean reportedUnresponsive;
    /** When the oldest self-addressed request the message thread has not run yet was sent, or 0. */
    private long unansweredSince;
    private long retrievingSince;
    private int stalledChecks;
    /** False while the replica starts: then only the message thread's death is checked. */
    private volatile boolean ordering;

    /** @param failed told once if the replica can never order again (its message thread died) */
    StallWatchdog(int replicaId, CatchUpStateManager stateManager, Duration orderingTimeout, Consumer<Throwable> failed) {
        this.replicaId = replicaId;
        this.stateManager = stateManager;
        this.failed = failed;
        this.period = orderingTimeout;
        this.stallNanos = orderingTimeout.toNanos() * STALLED_TIMEOUTS;
        this.thread = new Thread(this::run, "fitmon-replica-" + replicaId + "-stall-watchdog");
        thread.setDaemon(true);
    }

    /**
     * While the replica starts (the library's constructor waits for the group), only watches that
     * the library's message thread stays alive: it can die then too (the library threw a
     * NullPointerException on it while a leader change was going on as a replica rejoined), and a
     * replica without it would wait for its group forever.
     */
    synchronized void watchWhileStarting() {
        if (!thread.isAlive()) {
            thread.start();
        }
    }

    /** From now on the replica orders: watches its progress as well. */
    synchronized void start() {
        lastProgress = System.nanoTime();
        ordering = true;
        if (!thread.isAlive()) {
            thread.start();
        }
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                check(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("replica {} stall check failed: {}", replicaId, e.toString(), e);
            }
        }
    }

    private void check(long now) {
        TOMLayer layer = stateManager.layer();
        if (layer == null || messageThreadEnded(layer) || !ordering) {
            return;
        }
        if (!messageThreadAlive(layer, now)) {
            return;
        }
        stateManager.requestHousekeeping();
        int last = layer.getLastExec();
        LCManager lc = layer.getSynchronizer().getLCManager();
        if (layer.isRetrievingState()) {
            activity = "fetching the group's state";
            lastSeen = last;
            lastProgress = now;
            if (retrievingSince == 0) {
                retrievingSince = now;
            } else if (now - retrievingSince > period.toNanos() * STATE_RETRY_TIMEOUTS) {
                // The library retries a transfer that got no usable answer only after its own
                // timer, which starts at 80 s and doubles with every transfer the replica makes.
                retrievingSince = now;
                stateManager.requestStateRetry();
            }
            return;
        }
        retrievingSince = 0;
        if (last != lastSeen) {
            lastSeen = last;
            lastProgress = now;
            stalledChecks = 0;
            activity = "ordering";
            return;
        }
        if (now - lastProgress < stallNanos) {
            return;
        }
        stalledChecks++;
        if (stalledChecks % STALL_REPORT_EVERY == 1) {
            LOG.warn("replica {} has executed nothing past consensus {} for {} s: regency {} (asking for {}), execution {}, "
                            + "{} messages waiting for the message thread; checking whether the group went on without it",
                    replicaId, last, (now - lastProgress) / 1_000_000_000L, lc.getLastReg(), lc.getNextReg(),
                    layer.execManager.stopped() ? "stopped for a leader change" : "running",
                    new LibraryQueues(layer).inboundQueued());
        }
        activity = layer.execManager.stopped()
                ? "stopped in a leader change (regency " + lc.getLastReg() + ", asking for " + lc.getNextReg() + ")"
                : lc.getNextReg() > lc.getLastReg() ? "alone in a leader change to regency " + lc.getNextReg()
                : "idle";
        lastProgress = now;
        stateManager.requestCheck(last);
    }

    /** True (and the replica failed) once the library's message thread has ended. */
    private boolean messageThreadEnded(TOMLayer layer) {
        ServerCommunicationSystem messages = layer.getCommunication();
        // TERMINATED, not !isAlive(): while the replica starts the thread may not have started yet
        if (messages != null && messages.getState() == Thread.State.TERMINATED && running) {
            activity = "failed: its message thread died";
            running = false;
            LOG.error("replica {}'s message thread has ended (the library stops reading peer messages on any error): "
                    + "this replica can no longer order; stopping it so that it is restarted and catches up", replicaId);
            failed.accept(new IllegalStateException("the library's message thread ended"));
            return true;
        }
        return false;
    }

    private boolean messageThreadAlive(TOMLayer layer, long now) {
        ServerCommunicationSystem messages = layer.getCommunication();
        if (unansweredSince == 0 || stateManager.messageThreadSeen() - unansweredSince >= 0) {
            unansweredSince = now; // answered: the request sent now is the oldest unanswered one
        }
        long silent = now - unansweredSince;
        if (silent > period.toNanos() * UNRESPONSIVE_TIMEOUTS) {
            activity = "message thread unresponsive for " + silent / 1_000_000_000L + " s";
            StackTraceElement[] frames = messages == null ? new StackTraceElement[0] : messages.getStackTrace();
            if (!reportedUnresponsive) {
                reportedUnresponsive = true;
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : frames) {
                    stack.append("\n\tat ").append(frame);
                }
                LOG.error("replica {}'s message thread has not run a request of its own for {} s; it is at:{}", replicaId,
                        silent / 1_000_000_000L, stack);
            }
            StackTraceElement endless = EndlessLibraryWait.in(frames);
            if (endless != null || silent > period.toNanos() * GIVE_UP_TIMEOUTS) {
                String where = endless != null ? "spins in the library's " + endless.getClassName() + "."
                        + endless.getMethodName() + ", a wait nothing can end"
                        : "has not answered for " + silent / 1_000_000_000L + " s";
                activity = "failed: its message thread " + where;
                running = false;
                LOG.error("replica {}'s message thread {}: this replica can no longer order; stopping it so that it is "
                        + "restarted and catches up", replicaId, where);
                failed.accept(new IllegalStateException("the library's message thread " + where));
                return false;
            }
        } else if (reportedUnresponsive) {
            reportedUnresponsive = false;
            LOG.info("replica {}'s message thread answers again", replicaId);
        }
        return true;
    }

    /** What the replica is doing, as last seen: ordering, idle, in a leader change, fetching state, failed. */
    String activity() {
        return activity;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
