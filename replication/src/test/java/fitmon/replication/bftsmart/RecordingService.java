package fitmon.replication.bftsmart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;

/**
 * A deterministic test service: appends every ordered command with its order context, replies
 * with the command's position. Optionally lies in its replies (state stays correct), to show the
 * client needs f+1 matching replies. {@code "diverge:..."} unordered commands get a reply that
 * differs on every replica, so no f+1 replies ever match.
 */
final class RecordingService implements ReplicatedService {

    record Entry(String command, long consensusId, int indexInBatch, long timestamp) {
    }

    private final int replicaId;
    private final List<Entry> log = new ArrayList<>();
    private final AtomicInteger unordered = new AtomicInteger();
    private final java.util.List<String> unorderedLog = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final AtomicInteger prepared = new AtomicInteger();
    volatile boolean lying;

    RecordingService(int replicaId) {
        this.replicaId = replicaId;
    }

    @Override
    public synchronized byte[] executeOrdered(byte[] command, OrderContext context) {
        log.add(new Entry(new String(command, StandardCharsets.UTF_8), context.consensusId(), context.indexInBatch(),
                context.timestampMillis()));
        String reply = "ordered#" + log.size() + ":" + new String(command, StandardCharsets.UTF_8);
        if (lying && reply.contains(":gadget-")) {
            return serializedGadget();
        }
        return (lying ? "forged " + reply : reply).getBytes(StandardCharsets.UTF_8);
    }

    /** Stands for a deserialization gadget chain a compromised replica might send as its reply. */
    record Gadget(String payload) implements java.io.Serializable {
    }

    private static byte[] serializedGadget() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(new Gadget("run me"));
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void prepare(byte[] command) {
        prepared.incrementAndGet();
    }

    @Override
    public byte[] executeUnordered(byte[] command) {
        unordered.incrementAndGet();
        String text = new String(command, StandardCharsets.UTF_8);
        unorderedLog.add(text);
        String reply = text.startsWith("diverge:") ? "replica " + replicaId + " says " + text : "unordered:" + text;
        return (lying ? "forged " + reply : reply).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized byte[] snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(log.size());
            for (Entry e : log) {
                out.writeUTF(e.command());
                out.writeLong(e.consensusId());
                out.writeInt(e.indexInBatch());
                out.writeLong(e.timestamp());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
            int size = in.readInt();
            log.clear();
            for (int i = 0; i < size; i++) {
                log.add(new Entry(in.readUTF(), in.readLong(), in.readInt(), in.readLong()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized List<Entry> log() {
        return List.copyOf(log);
    }

    synchronized int size() {
        return log.size();
    }

    String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(snapshot()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int unorderedCount() {
        return unordered.get();
    }

    /** The unordered commands this replica executed, in the order it executed them. */
    java.util.List<String> unorderedLog() {
        synchronized (unorderedLog) {
            return java.util.List.copyOf(unorderedLog);
        }
    }

    int preparedCount() {
        return prepared.get();
    }
}
