package fitmon.broker.replication;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.StateListener;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.Publish;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.SignedCommand;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.wire.WireFormatException;
import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;

/**
 * The thin shell between the replication engine and the pure state machine: decodes, applies
 * under a lock (ordered commands, unordered commands and API reads come from different threads),
 * records metrics and encodes the reply.
 */
public final class ReplicatedBroker implements ReplicatedService {

    private final BrokerStateMachine stateMachine;
    private final PrecomputedVerdicts verdicts;
    private final BrokerMetrics metrics;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RecentlyPrepared prepared;
    private volatile long lastConsensusId = -1;

    /**
     * @param verdicts the verifier the state machine was built with, filled here ahead of ordering
     */
    public ReplicatedBroker(BrokerStateMachine stateMachine, PrecomputedVerdicts verdicts, BrokerMetrics metrics) {
        this(stateMachine, verdicts, metrics, Runnable::run);
    }

    /**
     * @param verifierPool where requests are prepared (signatures verified) ahead of ordering; a
     *                     pool as large as the machine has cores, so verification runs on all of
     *                     them and never on the library's network or consensus threads
     */
    public ReplicatedBroker(BrokerStateMachine stateMachine, PrecomputedVerdicts verdicts, BrokerMetrics metrics,
                            Executor verifierPool) {
        this.stateMachine = stateMachine;
        this.verdicts = verdicts;
        this.metrics = metrics;
        this.prepared = new RecentlyPrepared(100_000, verifierPool);
    }

    @Override
    public byte[] executeOrdered(byte[] command, OrderContext context) {
        prepared.awaitPrepared(command); // before the lock: the preparation reads registered keys
        lock.writeLock().lock();
        try {
            lastConsensusId = Math.max(lastConsensusId, context.consensusId());
            BrokerStateMachine.Applied applied = stateMachine.applyOrderedBytes(command, context.timestampMillis());
            metrics.ordered(applied.commandType(), applied.result());
            return ResultCodec.encode(applied.result());
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Starts verifying the signatures of a command ahead of ordering, on the verifier pool, and
     * returns at once (see {@link RecentlyPrepared}); execution waits for it to finish.
     */
    @Override
    public void prepare(byte[] command) {
        prepared.startOnce(command, () -> prepareNow(command));
    }

    /**
     * Verifies the signatures of a command: the gateway's over the command first, and only if it
     * holds, the probes' over the events of a publish, against the keys registered right now; each
     * event is parsed and canonicalised here too, once. So a command no gateway signed costs one
     * verification at most, never one per event. Whatever
     * happens until execution, the state machine decides with the keys of the agreed state then;
     * a verdict for another key is simply never looked up.
     */
    private void prepareNow(byte[] command) {
        byte[] inner = command;
        if (command.length > 0 && (command[0] & 0xff) == SignedCommand.MAGIC) {
            SignedCommand signed;
            try {
                signed = SignedCommand.decode(command);
            } catch (WireFormatException e) {
                return;
            }
            Optional<VerificationKey> gateway = stateMachine.certifiedGatewayKey(signed.certificate());
            if (gateway.isEmpty()
                    || !verdicts.precomputeCommand(gateway.get(), signed.signingBytes(), signed.signature())) {
                return; // refused at execution without looking at its events
            }
            inner = signed.command();
        } else if (stateMachine.requiresSignedCommands()) {
            return;
        }
        BrokerCommand decoded;
        try {
            decoded = CommandCodec.decode(inner);
        } catch (WireFormatException e) {
            return;
        }
        if (!(decoded instanceof Publish publish)) {
            return;
        }
        for (byte[] bytes : publish.events()) {
            verdicts.precompute(bytes, event -> read(sm -> sm.registeredKey(publish.tag(), event.probeId())));
        }
    }

    /**
     * The library executes unordered requests on the network thread that read them, without
     * preparing them first: the signatures are checked here, before taking the lock that ordered
     * execution needs too.
     */
    @Override
    public byte[] executeUnordered(byte[] command) {
        try {
            prepareNow(command);
        } catch (RuntimeException e) {
            // only work ahead: whatever failed here is judged, with a typed refusal, below
        }
        lock.writeLock().lock();
        try {
            CommandResult result = stateMachine.applyUnorderedBytes(command);
            metrics.unordered(result);
            return ResultCodec.encode(result);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public byte[] snapshot() {
        return read(BrokerStateMachine::snapshot);
    }

    @Override
    public void restore(byte[] snapshot) {
        lock.writeLock().lock();
        try {
            stateMachine.restore(snapshot);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Where the state machine's appends and removals go; set between two commands. */
    public void setListener(StateListener listener) {
        lock.writeLock().lock();
        try {
            stateMachine.setListener(listener);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs a read against a consistent state, between two commands. */
    public <T> T read(Function<BrokerStateMachine, T> query) {
        lock.readLock().lock();
        try {
            return query.apply(stateMachine);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The highest consensus instance this replica executed, -1 before the first. */
    public long lastConsensusId() {
        return lastConsensusId;
    }
}
