package fitmon.replication.bftsmart;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import bftsmart.tom.MessageContext;
import bftsmart.tom.ReplicaContext;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.server.Replier;
import fitmon.replication.durability.ReplicaJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the replies of a batch once the batch is on disk. The library hands over each reply right
 * after its command executed, on the delivery thread; this replier holds them until the batch's
 * last command, writes the batch to the journal (no force), and hands the replies to its syncer
 * thread. The syncer forces the journal and sends every reply whose batch was written before that
 * force began. A client thus never counts a reply from a replica that could not restore the
 * command after a crash.
 *
 * <p>Why a thread of its own: a force takes milliseconds to tens of milliseconds on a shared disk.
 * Forced on the delivery thread once per batch, it held up the execution of every batch decided
 * meanwhile (measured with four replicas on one disk: forces of 12 to 120 ms, the delivery thread
 * blocked in them a fifth of the time at a mere 110 events/s). Off that thread, batches decided
 * while the disk syncs are executed and written, and the next force covers all of them: group
 * commit of the disk, one force per round, not per batch.
 *
 * <p>If the journal cannot be written or forced, no reply is sent and {@code onFailure} stops the
 * replica: replying without durability would break what the reply promises.
 */
final class DurableReplier implements Replier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableReplier.class);

    private final ReplicaJournal journal;
    private final Consumer<IOException> onFailure;
    private final Supplier<ReplicaContext> context;
    // delivery thread only
    private final List<Held> held = new ArrayList<>();
    private int heldConsensus = -1;
    // guarded by this
    private final ArrayDeque<Written> written = new ArrayDeque<>();
    private boolean failed;
    private boolean closed;
    private final Thread syncer;

    private record Held(TOMMessage request, TOMMessage reply) {
    }

    /** The replies of batches whose records carry write ticket {@code ticket} or an earlier one. */
    private record Written(long ticket, List<Held> replies) {
    }

    /**
     * @param context the replica context the library gave the recoverable: it does so before the
     *                replica can deliver anything, while the replier gets it only once the
     *                library's constructor returns, which may be after the first deliveries
     */
    DurableReplier(ReplicaJournal journal, Supplier<ReplicaContext> context, Consumer<IOException> onFailure) {
        this.journal = journal;
        this.context = context;
        this.onFailure = onFailure;
        this.syncer = new Thread(this::syncLoop, "fitmon-journal-sync");
        this.syncer.setDaemon(true);
        this.syncer.start();
    }

    @Override
    public void setReplicaContext(ReplicaContext replicaContext) {
        // the same context, already known through the supplier
    }

    @Override
    public void manageReply(TOMMessage request, MessageContext messageContext) {
        if (isFailed()) {
            return;
        }
        if (!held.isEmpty() && messageContext.getConsensusId() != heldConsensus) {
            // The library skipped the final request of the previous batch, so none of its commands
            // was flagged last: its records, and this batch's first, are in the journal now.
            writeHeld();
        }
        heldConsensus = messageContext.getConsensusId();
        // The library answers a client's retransmission with request.reply as soon as it is set:
        // keep it aside until the batch is on disk.
        held.add(new Held(request, request.reply));
        request.reply = null;
        if (messageContext.isLastInBatch()) {
            writeHeld();
        }
    }

    /** Writes the held batch to the journal and queues its replies for the syncer. */
    private void writeHeld() {
        long ticket;
        try {
            ticket = journal.write();
        } catch (IOException e) {
            fail(e);
            return;
        }
        synchronized (this) {
            written.add(new Written(ticket, List.copyOf(held)));
            notifyAll();
        }
        held.clear();
    }

    private void syncLoop() {
        while (true) {
            synchronized (this) {
                while (written.isEmpty() && !closed && !failed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || failed) {
                    return;
                }
            }
            long covered;
            try {
                covered = journal.forceWritten();
            } catch (IOException | RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                fail(e instanceof IOException io ? io : new IOException(e));
                return;
            }
            sendUpTo(covered);
        }
    }

    /** Sends the replies of every batch written with a ticket up to {@code covered}, in order. */
    private void sendUpTo(long covered) {
        List<Written> ready = new ArrayList<>();
        synchronized (this) {
            while (!written.isEmpty() && written.peek().ticket() <= covered) {
                ready.add(written.poll());
            }
        }
        ReplicaContext c = context.get();
        for (Written batch : ready) {
            for (Held h : batch.replies()) {
                h.request().reply = h.reply();
                try {
                    c.getServerCommunicationSystem().send(new int[] {h.request().getSender()}, h.reply());
                } catch (RuntimeException e) {
                    // a client that went away: the others still get theirs
                    LOG.debug("reply to client {} not sent: {}", h.request().getSender(), e.toString());
                }
            }
        }
    }

    private void fail(IOException e) {
        synchronized (this) {
            if (failed) {
                return;
            }
            failed = true;
            written.clear();
            notifyAll();
        }
        onFailure.accept(e);
    }

    private synchronized boolean isFailed() {
        return failed;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops the syncer; replies not sent by then are dropped (their clients retry elsewhere). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }
}
