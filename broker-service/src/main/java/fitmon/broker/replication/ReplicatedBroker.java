package fitmon.broker.replication;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import fitmon.broker.state.BrokerStateMachine;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.ResultCodec;
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
    private final BrokerMetrics metrics;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile long lastConsensusId = -1;

    public ReplicatedBroker(BrokerStateMachine stateMachine, BrokerMetrics metrics) {
        this.stateMachine = stateMachine;
        this.metrics = metrics;
    }

    @Override
    public byte[] executeOrdered(byte[] command, OrderContext context) {
        lock.writeLock().lock();
        try {
            lastConsensusId = Math.max(lastConsensusId, context.consensusId());
            BrokerCommand decoded;
            try {
                decoded = CommandCodec.decode(command);
            } catch (WireFormatException e) {
                byte[] reply = stateMachine.applyOrdered(command, context.timestampMillis());
                metrics.ordered("Malformed", ResultCodec.decode(reply));
                return reply;
            }
            CommandResult result = stateMachine.applyOrdered(decoded, context.timestampMillis());
            metrics.ordered(decoded.getClass().getSimpleName(), result);
            return ResultCodec.encode(result);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public byte[] executeUnordered(byte[] command) {
        lock.writeLock().lock();
        try {
            BrokerCommand decoded;
            try {
                decoded = CommandCodec.decode(command);
            } catch (WireFormatException e) {
                byte[] reply = stateMachine.applyUnordered(command);
                metrics.unordered(ResultCodec.decode(reply));
                return reply;
            }
            CommandResult result = stateMachine.applyUnordered(decoded);
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
