package fitmon.replication.bftsmart;

import bftsmart.statemanagement.SMMessage;
import bftsmart.statemanagement.strategy.StandardSMMessage;
import bftsmart.statemanagement.strategy.StandardStateManager;
import bftsmart.tom.core.DeliveryThread;
import bftsmart.tom.core.ExecutionManager;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.leaderchange.LCManager;
import bftsmart.tom.util.TOMUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's state transfer, plus a way for {@link StallWatchdog} to start it when this replica
 * stopped executing while its peers went on ordering.
 *
 * <p>The library starts a state transfer by itself only when a consensus message arrives at least
 * {@code highMark} instances ahead of the last executed one and that instance is decidable from the
 * messages held. A replica that lost messages of one instance (its receive queue overflowed after
 * a pause) waits for them forever below that mark; see docs/replication.md. {@link #requestCheck}
 * asks for the same transfer earlier, on the library's message thread, with the same evidence.
 */
final class CatchUpStateManager extends StandardStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpStateManager.class);

    private final Runnable beforeJoining;
    private final java.util.Map<Integer, Integer> startupConsensusIds = new java.util.HashMap<>();
    /** Every replica re-answers each second; ids unchanged this long mean nobody is ordering. */
    private static final long STARTUP_STILL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    private long lastStartupChange = System.nanoTime();
    private volatile TOMLayer layer;

    /** @param beforeJoining runs on the starting thread before the replica asks where the group is */
    CatchUpStateManager(Runnable beforeJoining) {
        this.beforeJoining = beforeJoining;
    }

    @Override
    public void init(TOMLayer tomLayer, DeliveryThread dt) {
        super.init(tomLayer, dt);
        this.layer = tomLayer;
    }

    /**
     * The library's start-up round ends only when a quorum reports one consensus id. Replicas
     * restored from disk after a crash of the whole group may have stopped a batch apart, split
     * so that no quorum agrees (two at one id, two at the next): each would wait for the others
     * forever. Once a quorum has answered without agreeing, a replica behind f+1 replicas that
     * report the same later id (so at least one correct replica reached it) fetches their state
     * at that id; the replicas ahead then hear a quorum on their id and go on. Only while the
     * reported ids stand still for a few seconds: in a group that is ordering they move, and
     * fetching then would race the library's own catch-up.
     */
    @Override
    public synchronized void currentConsensusIdReceived(SMMessage msg) {
        Integer previous = startupConsensusIds.put(msg.getSender(), msg.getCID());
        long now = System.nanoTime();
        if (previous == null || previous != msg.getCID()) {
            lastStartupChange = now;
        }
        super.currentConsensusIdReceived(msg);
        LOG.debug("start-up round: replica {} is at consensus {}; heard {}; this one at {}, initializing {}, waiting for {}, quorum {}",
                msg.getSender(), msg.getCID(), startupConsensusIds, lastCID, isInitializing, waitingCID,
                SVController.getQuorum());
        // The library's round counts from zero: it settles on an id reported by quorum + 1 replicas
        // (2f+1 of 3f+1).
        int settling = SVController.getQuorum() + 1;
        if (!isInitializing || waitingCID > -1 || startupConsensusIds.size() < settling) {
            return;
        }
        java.util.Map<Integer, Long> counts = startupConsensusIds.values().stream()
                .collect(java.util.stream.Collectors.groupingBy(cid -> cid, java.util.stream.Collectors.counting()));
        if (counts.values().stream().anyMatch(count -> count >= settling)) {
            return; // the library's own round settles it
        }
        if (now - lastStartupChange < STARTUP_STILL_NANOS) {
            // Peers that still order report moving ids: the library's round or its catch-up on
            // later instances handles a replica joining a running group. A split stands still.
            return;
        }
        // Against what this replica executed, not the library's lastCID, which a failed attempt
        // leaves past the id asked for: a failed transfer is then asked again on the next reply.
        int executed = tomLayer.getLastExec();
        int ahead = counts.entrySet().stream()
                .filter(e -> e.getKey() > executed && e.getValue() > SVController.getCurrentViewF())
                .mapToInt(java.util.Map.Entry::getKey).max().orElse(-1);
        if (ahead < 0) {
            return;
        }
        LOG.warn("replica {} restored consensus {} while {} peers report consensus {} and no 2f+1 agree on one: "
                        + "fetching their state at {}", SVController.getStaticConf().getProcessId(), executed,
                counts.get(ahead), ahead, ahead);
        lastCID = ahead + 1;
        waitingCID = ahead;
        requestState();
    }

    @Override
    public void askCurrentConsensusId() {
        beforeJoining.run();
        super.askCurrentConsensusId();
    }

    /** The library's layer once the replica is built, else null. */
    TOMLayer layer() {
        return layer;
    }

    /**
     * Any thread: asks the message thread to fetch state if the replica is still at {@code stuckAt}
     * and holds a decidable instance beyond it. The request is a state-request message to itself:
     * peers' messages are accepted only under their own ids, so only this process can send it.
     */
    void requestCheck(int stuckAt) {
        TOMLayer l = layer;
        if (l == null) {
            return;
        }
        int me = l.controller.getStaticConf().getProcessId();
        l.getCommunication().send(new int[] {me}, new StandardSMMessage(me, stuckAt, TOMUtil.SM_REQUEST, -1, null, null, -1, -1));
    }

    @Override
    public void SMRequestDeliver(SMMessage msg, boolean isBFT) {
        if (msg.getSender() == SVController.getStaticConf().getProcessId()) {
            catchUpIfStillStuck(msg.getCID());
            return;
        }
        super.SMRequestDeliver(msg, isBFT);
    }

    @Override
    public void SMReplyDeliver(SMMessage msg, boolean isBFT) {
        super.SMReplyDeliver(msg, isBFT);
        stopLeftoverStopRetransmissions();
    }

    /** Runs on the message thread, like the library's own high-mark check. */
    private void catchUpIfStillStuck(int stuckAt) {
        ExecutionManager execution = tomLayer.execManager;
        int last = tomLayer.getLastExec();
        if (last != stuckAt || isRetrievingState() || execution.stopped()) {
            return;
        }
        int highMark = SVController.getStaticConf().getPaxosHighMark();
        for (int cid = last + highMark - 1; cid > last + 1; cid--) {
            if (execution.receivedOutOfContextPropose(cid) && execution.isDecidable(cid)) {
                LCManager lc = tomLayer.getSynchronizer().getLCManager();
                LOG.warn("replica {} executed nothing past consensus {} while its peers decided consensus {}{}: "
                                + "fetching their state up to {}", SVController.getStaticConf().getProcessId(), last, cid,
                        lc.getNextReg() > lc.getLastReg()
                                ? " (it is alone in a leader change to regency " + lc.getNextReg() + ")" : "",
                        cid - 1);
                analyzeState(cid);
                return;
            }
        }
    }

    /**
     * After a state transfer the library sets this replica's regency to the group's, but keeps
     * re-sending a STOP for a later regency it had asked for alone (it cancels only regencies below
     * the group's). That request is moot once the replica is back: its request timer runs again
     * and will ask anew if the leader really fails.
     */
    private void stopLeftoverStopRetransmissions() {
        if (isRetrievingState()) {
            return;
        }
        LCManager lc = tomLayer.getSynchronizer().getLCManager();
        int regency = lc.getLastReg();
        if (lc.getNextReg() != regency) {
            return;
        }
        for (int pending : tomLayer.requestsTimer.getTimers()) {
            if (pending > regency) {
                tomLayer.requestsTimer.stopSTOP(pending);
                LOG.info("replica {} is back at regency {}: no longer asking for regency {}",
                        SVController.getStaticConf().getProcessId(), regency, pending);
            }
        }
    }
}
