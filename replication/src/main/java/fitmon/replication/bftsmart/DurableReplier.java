package fitmon.replication.bftsmart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import bftsmart.tom.MessageContext;
import bftsmart.tom.ReplicaContext;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.server.Replier;
import fitmon.replication.durability.ReplicaJournal;

/**
 * Sends the replies of a batch once the batch is on disk: the library hands over each reply right
 * after its command executed, on the delivery thread; this replier holds them until the batch's
 * last command, forces the journal, then sends them all. A client thus never counts a reply from
 * a replica that could not restore the command after a crash, and the disk is forced once per
 * batch rather than once per command.
 *
 * <p>If the journal cannot be written, no reply is sent and {@code onFailure} stops the replica:
 * replying without durability would break what the reply promises.
 */
final class DurableReplier implements Replier {

    private final ReplicaJournal journal;
    private final Consumer<IOException> onFailure;
    private final Supplier<ReplicaContext> context;
    private final List<Held> held = new ArrayList<>();
    private int heldConsensus = -1;

    private record Held(TOMMessage request, TOMMessage reply) {
    }
    private boolean failed;

    /**
     * @param context the replica context the library gave the recoverable: it does so before the
     *                replica can deliver anything, while the replier gets it only once the
     *                library's constructor returns, which may be after the first deliveries
     */
    DurableReplier(ReplicaJournal journal, Supplier<ReplicaContext> context, Consumer<IOException> onFailure) {
        this.journal = journal;
        this.context = context;
        this.onFailure = onFailure;
    }

    @Override
    public void setReplicaContext(ReplicaContext replicaContext) {
        // the same context, already known through the supplier
    }

    @Override
    public void manageReply(TOMMessage request, MessageContext messageContext) {
        if (failed) {
            return;
        }
        if (!held.isEmpty() && messageContext.getConsensusId() != heldConsensus) {
            // The library skipped the final request of the previous batch, so none of its commands
            // was flagged last: its records, and this batch's first, are in the journal now.
            flush();
        }
        heldConsensus = messageContext.getConsensusId();
        // The library answers a client's retransmission with request.reply as soon as it is set:
        // keep it aside until the batch is on disk.
        held.add(new Held(request, request.reply));
        request.reply = null;
        if (messageContext.isLastInBatch()) {
            flush();
        }
    }

    private void flush() {
        try {
            journal.sync();
        } catch (IOException e) {
            failed = true;
            held.clear();
            onFailure.accept(e);
            return;
        }
        ReplicaContext c = context.get();
        for (Held h : held) {
            h.request().reply = h.reply();
            c.getServerCommunicationSystem().send(new int[] {h.request().getSender()}, h.reply());
        }
        held.clear();
    }
}
