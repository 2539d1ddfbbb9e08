package fitmon.broker.lab;

import fitmon.core.command.CommandResult;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;

/**
 * The replicated service as the library sees it, with false replies while the replica is told
 * {@link Misbehaviour#WRONG_REPLIES}, and a made-up checkpoint for peers catching up while it is
 * told {@link Misbehaviour#FALSE_STATE}. The command is still applied: the ordered state stays the
 * group's, only the answer to the client (or the peer) lies; the client's f+1 vote, and the peer's
 * demand of f+1 matching states, must out-vote it.
 */
public final class LyingReplies implements ReplicatedService {

    private static final byte[] FALSE_REFUSAL = ResultCodec.encode(new CommandResult.Rejected(
            RejectReason.MALFORMED_COMMAND, "refused (a false reply of a replica in lab mode)"));

    private final ReplicatedService honest;
    private final LabSwitches switches;

    private LyingReplies(ReplicatedService honest, LabSwitches switches) {
        this.honest = honest;
        this.switches = switches;
    }

    /** The service itself outside lab mode: production replicas keep no lab code on this path. */
    public static ReplicatedService around(ReplicatedService honest, LabSwitches switches) {
        return switches.labMode() ? new LyingReplies(honest, switches) : honest;
    }

    @Override
    public byte[] executeOrdered(byte[] command, OrderContext context) {
        byte[] reply = honest.executeOrdered(command, context);
        return switches.is(Misbehaviour.WRONG_REPLIES) ? FALSE_REFUSAL : reply;
    }

    @Override
    public void prepare(byte[] command) {
        honest.prepare(command);
    }

    @Override
    public byte[] executeUnordered(byte[] command) {
        byte[] reply = honest.executeUnordered(command);
        return switches.is(Misbehaviour.WRONG_REPLIES) ? FALSE_REFUSAL : reply;
    }

    @Override
    public byte[] snapshot() {
        return honest.snapshot();
    }

    @Override
    public void restore(byte[] snapshot) {
        honest.restore(snapshot);
    }

    @Override
    public byte[] checkpointForPeer(byte[] checkpoint) {
        return switches.is(Misbehaviour.FALSE_STATE) ? FalseState.forge(checkpoint) : honest.checkpointForPeer(checkpoint);
    }
}
