package fitmon.replication.bftsmart;

import bftsmart.consensus.messages.ConsensusMessage;
import bftsmart.consensus.messages.MessageFactory;
import bftsmart.statemanagement.SMMessage;
import bftsmart.statemanagement.strategy.StandardSMMessage;
import bftsmart.statemanagement.strategy.StandardStateManager;
import bftsmart.tom.core.DeliveryThread;
import bftsmart.tom.core.ExecutionManager;
import bftsmart.tom.core.TOMLayer;
import bftsmart.tom.server.defaultservices.DefaultApplicationState;
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
 *
 * <p>It is also where our code reaches the library's message thread: requests the replica sends
 * itself (a state request with a marker id, which peers cannot send under this replica's id) run
 * the housekeeping that bounds the library's stores ({@link LeaderChangeGuard},
 * {@link PeerSendQueues}, {@link StalePendingRequests}) and retry a slow state transfer. And it
 * replaces the library's receive queue with an {@link InboundQueue} before that thread starts.
 */
final class CatchUpStateManager extends StandardStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpStateManager.class);

    private final Runnable beforeJoining;
    private final java.util.Map<Integer, Integer> startupConsensusIds = new java.util.HashMap<>();
    /** Every replica re-answers each second; ids unchanged this long mean nobody is ordering. */
    private static final long STARTUP_STILL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    private long lastStartupChange = System.nanoTime();
    private volatile TOMLayer layer;
    /** A self-addressed state request with this id asks for housekeeping only. */
    private static final int HOUSEKEEPING = Integer.MIN_VALUE;
    /** A self-addressed state request with this id asks to retry a state transfer that is taking too long. */
    private static final int RETRY_STATE = Integer.MIN_VALUE + 1;
    private final LeaderChangeGuard leaderChangeGuard = new LeaderChangeGuard();
    /** How long a thread other than the message thread waits to queue a message to self. */
    private static final long SELF_PUT_WAIT_MILLIS = 1000;
    /** The library's first state timer (it doubles it with every request), and the most we let it reach. */
    private static final long FIRST_STATE_TIMER_MILLIS = 80_000;
    private static final long MAX_STATE_TIMER_MILLIS = 320_000;
    private volatile InboundQueue inbound;
    private volatile EmptyBatchQueue decided;
    private volatile int lastStateRequested = -1;
    /** Set once the restored state is handed over and this replica asks where the group is. */
    private volatile boolean joining;
    private final PeerSendQueues sendQueues = new PeerSendQueues(PeerSendQueues.LIMIT_BYTES);
    private final StalePendingRequests stalePending = new StalePendingRequests();
    private final java.util.concurrent.atomic.AtomicLong catchUps = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong stateRetries = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refutedStates = new java.util.concurrent.atomic.AtomicLong();
    /** When the message thread last ran a self-addressed request (System.nanoTime). */
    private volatile long messageThreadSeen = System.nanoTime();

    /** @param beforeJoining runs on the starting thread before the replica asks where the group is */
    CatchUpStateManager(Runnable beforeJoining) {
        this.beforeJoining = beforeJoining;
    }

    @Override
    public void init(TOMLayer tomLayer, DeliveryThread dt) {
        super.init(tomLayer, dt);
        this.layer = tomLayer;
        // The library calls this from its layer's constructor, before its message thread starts.
        try {
            inbound = InboundQueue.replaceIn(tomLayer.getCommunication(), SELF_PUT_WAIT_MILLIS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not replace the library's receive queue ({}): a leader whose queue is full when its request "
                    + "timer fires can stop processing messages for good", e.toString());
        }
        // The delivery thread has just started and waits for its first decision.
        try {
            decided = EmptyBatchQueue.replaceIn(dt);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not replace the library's queue of decisions ({}): an empty batch decided in a leader change "
                    + "makes this replica drop the requests decided with it", e.toString());
        }
    }

    /** Instances that decided an empty batch, given a placeholder; 0 if the queue was not replaced. */
    long emptyBatchesDecided() {
        EmptyBatchQueue queue = decided;
        return queue == null ? 0 : queue.emptyBatches();
    }

    /** Messages to itself this replica dropped because its receive queue was full; 0 if the queue was not replaced. */
    long droppedSelfMessages() {
        InboundQueue queue = inbound;
        return queue == null ? 0 : queue.droppedSelfMessages();
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
        // The library asks for state at id k with its lastCID set to k + 1, and leaves it there
        // when that transfer fails (every reply empty). If the group has meanwhile ordered exactly
        // one more instance, the next start-up round hears k + 1, equal to that lastCID, declares
        // this replica "up to date" and has it execute on from k + 1 without any of the state
        // before: a replica silently diverged (seen with a peer asking at the first period's last
        // id while the group went on). The round must compare with what this replica executed.
        if (isInitializing && waitingCID == -1 && tomLayer != null && lastCID > tomLayer.getLastExec()) {
            lastCID = tomLayer.getLastExec();
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

    /**
     * The library doubles its state timer with every request and never lowers it: after about 48
     * requests (a start-up round that asks again each second does that in under a minute) the
     * delay overflows, {@code Timer.schedule} throws on the message thread and the replica never
     * reads a peer message again. The timer is put back to its first value past a few minutes.
     */
    @Override
    protected void requestState() {
        try {
            java.lang.reflect.Field timeout = LibraryFields.field(StandardStateManager.class, "timeout");
            if (timeout.getLong(this) > MAX_STATE_TIMER_MILLIS / 2 || timeout.getLong(this) <= 0) {
                timeout.setLong(this, FIRST_STATE_TIMER_MILLIS / 2);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("could not reset the library's state timer: {}", e.toString());
        }
        lastStateRequested = waitingCID;
        super.requestState();
    }

    /**
     * The library answers a peer's start-up question with its layer's last executed consensus,
     * which stays -1 until this replica has handed its restored state over (just before it asks
     * the question itself), though its message thread answers from the moment it runs. A peer
     * asking in between heard -1 from a replica that had restored, say, consensus 328; three such
     * answers settle that peer's round on -1, and it then asks for state it already has, over and
     * over. No answer until then: the peer asks again and hears the restored id.
     */
    @Override
    public void currentConsensusIdAsked(int sender) {
        if (!joining) {
            return;
        }
        super.currentConsensusIdAsked(sender);
    }

    @Override
    public void askCurrentConsensusId() {
        beforeJoining.run();
        joining = true;
        // The message thread runs by now: bound the leader-change stores before joining.
        requestHousekeeping();
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
        sendToSelf(stuckAt);
    }

    /**
     * Any thread: asks the message thread to bound the library's leader-change stores
     * ({@link LeaderChangeGuard}) and its send queues ({@link PeerSendQueues}), and to drop
     * pending requests the group ordered already ({@link StalePendingRequests}).
     */
    void requestHousekeeping() {
        sendToSelf(HOUSEKEEPING);
    }

    /** Any thread: asks the message thread to ask another replica for the state, if a transfer is still under way. */
    void requestStateRetry() {
        sendToSelf(RETRY_STATE);
    }

    private void sendToSelf(int cid) {
        TOMLayer l = layer;
        if (l == null) {
            return;
        }
        int me = l.controller.getStaticConf().getProcessId();
        l.getCommunication().send(new int[] {me}, new StandardSMMessage(me, cid, TOMUtil.SM_REQUEST, -1, null, null, -1, -1));
    }

    /** When the message thread last ran a self-addressed request (System.nanoTime). */
    long messageThreadSeen() {
        return messageThreadSeen;
    }

    /** Pending requests dropped because the group had ordered them (see {@link StalePendingRequests}). */
    long stalePendingDropped() {
        return stalePending.dropped();
    }

    PeerSendQueues sendQueues() {
        return sendQueues;
    }

    LeaderChangeGuard leaderChangeGuard() {
        return leaderChangeGuard;
    }

    @Override
    public void SMRequestDeliver(SMMessage msg, boolean isBFT) {
        if (msg.getSender() == SVController.getStaticConf().getProcessId()) {
            messageThreadSeen = System.nanoTime();
            leaderChangeGuard.onMessageThread(tomLayer);
            sendQueues.bound(tomLayer);
            stalePending.sweep(tomLayer);
            if (msg.getCID() == RETRY_STATE) {
                retryStateTransfer();
            } else if (msg.getCID() != HOUSEKEEPING) {
                catchUpIfStillStuck(msg.getCID());
            }
            return;
        }
        super.SMRequestDeliver(msg, isBFT);
    }

    /**
     * The library's test before it installs a state transfer's result: more than f replies. Here,
     * once the chosen replica's full state is in, it also needs f other replicas whose replies
     * match it in everything installing it would change ({@link StateAgreement}); replies that
     * disagree with a state so vouched for come from faulty replicas and are set aside, so the
     * library's own check (the first other reply's checkpoint hash) sees an agreeing one. A state
     * that f + 1 others contradict is given up at once and asked of another replica, and so is one
     * that no f + 1 agree on either way once every replica answered.
     */
    @Override
    protected boolean enoughReplies() {
        if (!super.enoughReplies() || !(state instanceof DefaultApplicationState offered)
                || offered.getSerializedState() == null) {
            return super.enoughReplies(); // nothing to install without the full state: the library waits or retries
        }
        byte[] offeredPrint = StateAgreement.fingerprint(offered, tomLayer.computeHash(offered.getSerializedState()));
        java.util.Map<Integer, byte[]> others = new java.util.HashMap<>();
        for (var reply : senderStates.entrySet()) {
            if (reply.getValue() != state && reply.getValue() instanceof DefaultApplicationState summary) {
                others.put(reply.getKey(), StateAgreement.fingerprint(summary, summary.getStateHash()));
            }
        }
        int f = SVController.getCurrentViewF();
        StateAgreement agreement = StateAgreement.judge(offeredPrint, others, f);
        switch (agreement.verdict()) {
            case VOUCHED -> {
                agreement.dissenters().forEach(senderStates::remove);
                LOG.info("state transfer up to consensus {}: the full state from replica {} is vouched for by replicas {}",
                        waitingCID, senderOf(state), others.keySet().stream().filter(id -> !agreement.dissenters().contains(id))
                                .sorted().toList());
                if (!agreement.dissenters().isEmpty()) {
                    LOG.warn("state transfer up to consensus {}: replicas {} sent a state that disagrees with the one f+1 "
                            + "replicas agree on; their replies are set aside", waitingCID, agreement.dissenters());
                }
                return true;
            }
            case REFUTED -> {
                LOG.warn("state transfer up to consensus {}: the full state sent disagrees with what {} other replicas "
                        + "agree on; asking another replica", waitingCID, f + 1);
                refutedStates.incrementAndGet();
                stateTimeout();
                return false;
            }
            default -> {
                if (senderStates.size() >= SVController.getCurrentViewN() - 1) {
                    // every other replica answered and no f+1 agree either way (correct replicas past
                    // another checkpoint answer differently): ask again, another replica for the full state
                    LOG.warn("state transfer up to consensus {}: every replica answered, no state is vouched for by f+1; "
                            + "asking again", waitingCID);
                    stateTimeout();
                }
                return false;
            }
        }
    }

    private Integer senderOf(bftsmart.statemanagement.ApplicationState offered) {
        return senderStates.entrySet().stream().filter(e -> e.getValue() == offered).map(java.util.Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** Full states given up in state transfer because f + 1 other replicas contradicted them. */
    long refutedStates() {
        return refutedStates.get();
    }

    @Override
    public void SMReplyDeliver(SMMessage msg, boolean isBFT) {
        super.SMReplyDeliver(msg, isBFT);
        stopLeftoverStopRetransmissions();
    }

    /**
     * Runs on the message thread, like the library's own high-mark check. A replica whose
     * execution runs holds later instances' messages aside as out of context; one whose execution
     * the library stopped for a leader change holds them in its stopped queue instead, and waits
     * there for the new leader's SYNC, which nobody re-sends if it was lost (its receive queue
     * overflowed, or it asked for yet another regency first). Either way, an instance decidable
     * from a quorum's authenticated messages two or more past the last executed one proves the
     * group went on without this replica: it fetches the group's state, which also installs the
     * group's regency and restarts a stopped execution.
     */
    private void catchUpIfStillStuck(int stuckAt) {
        ExecutionManager execution = tomLayer.execManager;
        int last = tomLayer.getLastExec();
        if (last != stuckAt || isRetrievingState()) {
            return;
        }
        int decided = execution.stopped() ? decidableWhileStopped(execution, last) : decidableOutOfContext(execution, last);
        if (decided < 0) {
            return;
        }
        LCManager lc = tomLayer.getSynchronizer().getLCManager();
        String where = execution.stopped()
                ? " (its execution is stopped in a leader change: regency " + lc.getLastReg() + ", asking for " + lc.getNextReg() + ")"
                : lc.getNextReg() > lc.getLastReg() ? " (it is alone in a leader change to regency " + lc.getNextReg() + ")" : "";
        LOG.warn("replica {} executed nothing past consensus {} while its peers decided consensus {}{}: "
                + "fetching their state up to {}", SVController.getStaticConf().getProcessId(), last, decided, where, decided - 1);
        catchUps.incrementAndGet();
        analyzeState(decided);
    }

    private int decidableOutOfContext(ExecutionManager execution, int last) {
        int highMark = SVController.getStaticConf().getPaxosHighMark();
        for (int cid = last + highMark - 1; cid > last + 1; cid--) {
            if (execution.receivedOutOfContextPropose(cid) && execution.isDecidable(cid)) {
                return cid;
            }
        }
        return -1;
    }

    /**
     * The highest instance past {@code last + 1} that the stopped queue proves decided: the
     * leader's proposal and more than 2f WRITEs and ACCEPTs for its value in its epoch (what the
     * library's {@code isDecidable} counts). Those messages are handed to the library's
     * out-of-context store, where its state transfer looks for them.
     */
    private int decidableWhileStopped(ExecutionManager execution, int last) {
        java.util.Map<Integer, java.util.List<ConsensusMessage>> byInstance = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        java.util.List<ConsensusMessage> stopped;
        try {
            stopped = new java.util.ArrayList<>(execution.getStoppedMsgs());
        } catch (java.util.ConcurrentModificationException e) {
            return -1; // the library touched its queue from another thread: look again next time
        }
        for (ConsensusMessage m : stopped) {
            if (m.getNumber() > last + 1) {
                byInstance.computeIfAbsent(m.getNumber(), k -> new java.util.ArrayList<>()).add(m);
            }
        }
        int quorum = 2 * SVController.getCurrentViewF();
        for (var entry : byInstance.entrySet()) {
            ConsensusMessage proposal = entry.getValue().stream()
                    .filter(m -> m.getType() == MessageFactory.PROPOSE).findFirst().orElse(null);
            if (proposal == null) {
                continue;
            }
            byte[] hash = tomLayer.computeHash(proposal.getValue());
            java.util.Set<Integer> writes = new java.util.HashSet<>();
            java.util.Set<Integer> accepts = new java.util.HashSet<>();
            for (ConsensusMessage m : entry.getValue()) {
                if (m.getEpoch() != proposal.getEpoch() || !java.util.Arrays.equals(hash, m.getValue())) {
                    continue;
                }
                if (m.getType() == MessageFactory.WRITE) {
                    writes.add(m.getSender());
                } else if (m.getType() == MessageFactory.ACCEPT) {
                    accepts.add(m.getSender());
                }
            }
            if (writes.size() > quorum && accepts.size() > quorum) {
                entry.getValue().forEach(execution::addOutOfContextMessage);
                return entry.getKey();
            }
        }
        return -1;
    }

    /** Message thread: the library's own retry (another replica asked for the full state), without its timer. */
    private void retryStateTransfer() {
        if (!isRetrievingState() || isInitializing) {
            return;
        }
        LOG.warn("replica {} has waited more than {} ordering timeouts for the group's state up to consensus {}: "
                        + "asking again, with another replica for the full state", SVController.getStaticConf().getProcessId(),
                StallWatchdog.STATE_RETRY_TIMEOUTS, waitingCID);
        stateRetries.incrementAndGet();
        stateTimeout();
    }

    /** State transfers this replica asked again because they took too long. */
    long stateRetries() {
        return stateRetries.get();
    }

    /** State transfers this replica started because it was left behind. */
    /** The consensus id this replica last asked its peers' state for, -1 if none yet. */
    int lastStateRequested() {
        return lastStateRequested;
    }

    long catchUps() {
        return catchUps.get();
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
