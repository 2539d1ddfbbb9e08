package fitmon.replication.durability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import fitmon.replication.OrderContext;
import fitmon.replication.ReplicatedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's ordered state on disk: the last snapshot ({@code snapshot.bin}) and every command
 * ordered since, in order ({@code journal.bin}). Restoring replays the journal's complete batches
 * on top of the snapshot, with their agreed contexts, so the service reaches the state it had
 * after the last batch it wrote down; a batch cut short by a crash is dropped (its replies were
 * never sent, see {@link #sync} and {@link #forceWritten}).
 *
 * <p>The journal starts with a magic and the consensus id of the snapshot it follows; a journal
 * that follows another snapshot (a crash between writing a snapshot and starting its journal) is
 * ignored. Journal record: payload length (int), then the payload, consensus id (long), index in batch
 * (int), timestamp (long), flags (byte, 1 = last of its batch), command bytes, then a CRC-32C of
 * the payload. A record that does not check out ends the journal: it and what follows are
 * dropped and the replica fetches the rest from its peers.
 *
 * <p>Records are appended, written and snapshotted by one thread at a time (the replica's delivery
 * thread, or the state transfer while delivery waits); methods are synchronized so a stray caller
 * cannot interleave records. {@link #forceWritten} may run on another thread at the same time:
 * it forces outside the monitor, so the delivery thread goes on executing while the disk syncs.
 */
public final class ReplicaJournal implements AutoCloseable {

    /** Journal size after which a batch boundary writes a new snapshot and starts an empty journal. */
    public static final long DEFAULT_SNAPSHOT_AFTER_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaJournal.class);
    private static final byte[] MAGIC = "FMJRNL02".getBytes(StandardCharsets.US_ASCII);
    /** Magic, then the consensus id of the snapshot the journal follows (-1: none). */
    private static final int HEADER = MAGIC.length + Long.BYTES;
    private static final int FIXED_PAYLOAD = Long.BYTES + Integer.BYTES + Long.BYTES + 1;
    private static final int MAX_PAYLOAD = 256 * 1024 * 1024;
    private static final byte LAST_IN_BATCH = 1;

    /**
     * What {@link #restore} found.
     *
     * @param consensusId         the last consensus instance whose batch the state includes, -1 if none
     * @param snapshotConsensusId the consensus instance of the snapshot it started from, -1 if none
     * @param batchesReplayed     complete batches replayed from the journal
     * @param commandsReplayed    commands in those batches
     * @param droppedBytes        journal bytes dropped: a batch cut short or a record that does not check out
     */
    public record Restored(long consensusId, long snapshotConsensusId, int batchesReplayed, int commandsReplayed,
                           long droppedBytes) {

        public boolean empty() {
            return consensusId < 0;
        }
    }

    private record Entry(long consensusId, int index, long timestamp, boolean lastInBatch, byte[] command) {
    }

    private final Path directory;
    private final long snapshotAfterBytes;
    private final SnapshotFile snapshot;
    private final Path journalFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final CRC32C crc = new CRC32C();
    private FileChannel journal;
    private long journalBytes;
    private long lastConsensusId = -1;
    /** Counts {@link #write} calls that wrote something; a force covers every ticket written before it. */
    private long writtenTicket;
    private final boolean forceWrites;
    /**
     * Held while the journal is forced outside the object's monitor ({@link #forceWritten}), and
     * by whatever truncates or closes the file, so a force never runs on a file being rewritten.
     * Taken before the monitor, never inside it.
     */
    private final java.util.concurrent.locks.ReentrantLock forceLock = new java.util.concurrent.locks.ReentrantLock();

    private ReplicaJournal(Path directory, long snapshotAfterBytes, FileChannel lockChannel, FileLock lock,
                           boolean forceWrites) {
        this.forceWrites = forceWrites;
        this.directory = directory;
        this.snapshotAfterBytes = snapshotAfterBytes;
        this.snapshot = new SnapshotFile(directory.resolve("snapshot.bin"));
        this.journalFile = directory.resolve("journal.bin");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating it if needed) a replica's data directory and locks it against a second
     * process. Call {@link #restore} next, once, before anything is appended.
     */
    public static ReplicaJournal open(Path directory, long snapshotAfterBytes) throws IOException {
        return open(directory, snapshotAfterBytes, true);
    }

    /**
     * As {@link #open(Path, long)}.
     *
     * @param forceWrites false leaves journal writes to the operating system: {@link #forceWritten}
     *                    then returns without forcing. A reply then survives the replica's process
     *                    crashing, not its machine losing power; with every replica on its own
     *                    machine, the group loses nothing it acknowledged unless more than f
     *                    machines lose power at once. Snapshots are forced either way.
     */
    public static ReplicaJournal open(Path directory, long snapshotAfterBytes, boolean forceWrites) throws IOException {
        if (snapshotAfterBytes < 1024) {
            throw new IllegalArgumentException("snapshots must be at least 1 KiB of journal apart, got " + snapshotAfterBytes);
        }
        Path absolute = directory.toAbsolutePath();
        Files.createDirectories(absolute);
        FileChannel lockChannel = FileChannel.open(absolute.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("another replica holds " + absolute + ": each replica needs a data directory of its own");
        }
        return new ReplicaJournal(absolute, snapshotAfterBytes, lockChannel, lock, forceWrites);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Brings {@code service} to the state on disk: the snapshot, if any, then every complete batch
     * of the journal after it. Leaves the journal ready for {@link #append}.
     *
     * @throws DamagedJournalException if the snapshot does not check out
     */
    public synchronized Restored restore(ReplicatedService service) throws IOException {
        if (journal != null) {
            throw new IllegalStateException("the journal in " + directory + " was already restored");
        }
        long base = -1;
        var saved = snapshot.read();
        if (saved.isPresent()) {
            base = saved.get().consensusId();
            service.restore(saved.get().state());
        }
        Replay replay = new Replay(service, base);
        long goodEnd = HEADER;
        long fileSize = Files.exists(journalFile) ? Files.size(journalFile) : 0;
        if (fileSize < HEADER) {
            fileSize = 0; // never got past its header: nothing was ever synced to it
        }
        boolean foreign = false;
        if (fileSize > 0) {
            try (InputStream raw = Files.newInputStream(journalFile);
                 DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
                byte[] magic = new byte[MAGIC.length];
                in.readFully(magic);
                if (!Arrays.equals(magic, MAGIC)) {
                    throw new DamagedJournalException(journalFile, "it does not start like a fitmon journal");
                }
                long journalBase = in.readLong();
                if (journalBase != base) {
                    // A crash between writing a snapshot and starting its journal: this journal
                    // belongs to an older snapshot, and the new one already holds all of it.
                    foreign = true;
                } else {
                    goodEnd = replay.read(in, fileSize);
                }
            }
        }
        long dropped = foreign ? 0 : Math.max(0, fileSize - goodEnd);
        if (foreign) {
            LOG.info("replica journal {} follows an older snapshot than {}: starting a new one", journalFile,
                    snapshot.path());
        } else if (dropped > 0) {
            LOG.warn("replica journal {}: dropped the last {} bytes (a batch cut short or a record that does not check out); "
                    + "the replica fetches what it lacks from its peers", journalFile, dropped);
        }
        openForAppend(fileSize == 0 || foreign ? -1 : goodEnd, base);
        lastConsensusId = replay.last;
        return new Restored(replay.last, base, replay.batches, replay.commands, dropped);
    }

    /**
     * Replays the journal's records in batches. A batch is complete when its last record carries
     * the last-in-batch flag, or when a record of a later consensus id follows it: the library
     * flags only the final request of a decided batch, and when it skips that one (a request
     * from another view), the batch's executed commands end unflagged; their replies go out once
     * the next batch's first record is synced with them, so an unflagged batch followed by
     * another one was complete and possibly acknowledged. Only an unflagged batch at the very end
     * is dropped: nothing of it was acknowledged.
     */
    private final class Replay {
        private final ReplicatedService service;
        private final long base;
        private final List<Entry> batch = new ArrayList<>();
        private long last;
        private int batches;
        private int commands;

        Replay(ReplicatedService service, long base) {
            this.service = service;
            this.base = base;
            this.last = base;
        }

        /** Reads records after the header; returns the file position after the last complete batch. */
        long read(DataInputStream in, long fileSize) throws IOException {
            long position = HEADER;
            long goodEnd = HEADER;
            while (true) {
                Entry entry;
                long size;
                try {
                    int length = in.readInt();
                    if (length < FIXED_PAYLOAD || length > MAX_PAYLOAD
                            || Integer.BYTES + (long) length + Integer.BYTES > fileSize - position) {
                        break; // a length running past the end of the file is a torn or garbled one: never allocate it
                    }
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    int expected = in.readInt();
                    if (expected != checksum(payload)) {
                        break;
                    }
                    entry = decode(payload);
                    size = Integer.BYTES + length + Integer.BYTES;
                } catch (EOFException cutShort) {
                    break;
                }
                if (!batch.isEmpty() && batch.get(0).consensusId() != entry.consensusId()) {
                    apply(); // its final request was skipped by the library: complete all the same
                    goodEnd = position;
                }
                position += size;
                batch.add(entry);
                if (entry.lastInBatch()) {
                    apply();
                    goodEnd = position;
                }
            }
            return goodEnd;
        }

        private void apply() {
            long consensusId = batch.get(0).consensusId();
            if (consensusId > base) {
                if (consensusId <= last) {
                    throw new DamagedJournalException(journalFile, "consensus " + consensusId + " follows consensus " + last);
                }
                for (Entry e : batch) {
                    service.executeOrdered(e.command(), new OrderContext(e.consensusId(), e.index(), e.timestamp()));
                }
                last = consensusId;
                batches++;
                commands += batch.size();
            }
            batch.clear();
        }
    }

    /** Buffers one executed command; nothing reaches the disk before {@link #sync}. */
    public synchronized void append(OrderContext context, byte[] command, boolean lastInBatch) {
        requireOpen();
        int length = FIXED_PAYLOAD + command.length;
        ByteBuffer payload = ByteBuffer.allocate(length);
        payload.putLong(context.consensusId()).putInt(context.indexInBatch()).putLong(context.timestampMillis())
                .put(lastInBatch ? LAST_IN_BATCH : 0).put(command);
        byte[] bytes = payload.array();
        try (DataOutputStream out = new DataOutputStream(pending)) {
            out.writeInt(length);
            out.write(bytes);
            out.writeInt(checksum(bytes));
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        if (lastInBatch) {
            lastConsensusId = context.consensusId();
        }
    }

    /**
     * Writes what was appended and forces it to disk. Replies to clients wait for this: a reply
     * is only ever sent for a command this replica can restore.
     */
    public void sync() throws IOException {
        write();
        forceWritten();
    }

    /**
     * Writes what was appended to the file, without forcing it: fast, on the thread that executes
     * commands. What it wrote is on disk once a later {@link #forceWritten} covers its ticket.
     *
     * @return this write's ticket (the last one if nothing was pending)
     */
    public synchronized long write() throws IOException {
        requireOpen();
        if (pending.size() == 0) {
            return writtenTicket;
        }
        ByteBuffer bytes = ByteBuffer.wrap(pending.toByteArray());
        while (bytes.hasRemaining()) {
            journal.write(bytes);
        }
        journalBytes += pending.size();
        pending.reset();
        return ++writtenTicket;
    }

    /**
     * Forces everything written so far to disk, without holding up {@link #append} and
     * {@link #write} meanwhile: one force covers every write before it, so a thread that forces
     * while another executes makes one force per round instead of one per batch.
     *
     * @return the last ticket now on disk
     */
    public long forceWritten() throws IOException {
        forceLock.lock();
        try {
            long covered;
            FileChannel channel;
            synchronized (this) {
                requireOpen();
                covered = writtenTicket;
                channel = journal;
            }
            if (forceWrites) {
                channel.force(false);
            }
            return covered;
        } finally {
            forceLock.unlock();
        }
    }

    /** True when the journal has grown past the snapshot threshold. */
    public synchronized boolean snapshotDue() {
        return journalBytes + pending.size() >= snapshotAfterBytes;
    }

    /**
     * Replaces snapshot and journal by {@code state}, the service's state after consensus
     * {@code consensusId}: after a state transfer, or to keep the journal short. Anything
     * appended and not synced belongs to that state already and is discarded.
     */
    public void snapshot(long consensusId, byte[] state) throws IOException {
        forceLock.lock();
        try {
            synchronized (this) {
                requireOpen();
                snapshot.write(consensusId, state);
                pending.reset();
                journal.truncate(0);
                journal.write(header(consensusId), 0);
                journal.position(HEADER);
                journal.force(true);
                journalBytes = 0;
                lastConsensusId = consensusId;
                // every ticket written so far is part of the snapshot, on disk now
            }
        } finally {
            forceLock.unlock();
        }
    }

    /** The last consensus instance restored, appended to the end of a batch, or snapshotted. */
    public synchronized long lastConsensusId() {
        return lastConsensusId;
    }

    @Override
    public void close() throws IOException {
        forceLock.lock();
        try {
            synchronized (this) {
                if (!lockChannel.isOpen()) {
                    return;
                }
                try {
                    if (journal != null) {
                        sync();
                        journal.close();
                    }
                } finally {
                    journal = null;
                    lock.release();
                    lockChannel.close();
                }
            }
        } finally {
            forceLock.unlock();
        }
    }

    private void openForAppend(long truncateAt, long base) throws IOException {
        journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (truncateAt < 0) {
            journal.truncate(0);
            journal.write(header(base), 0);
            journal.force(true);
            Directories.force(directory);
            truncateAt = HEADER;
        } else {
            journal.truncate(truncateAt);
        }
        journal.position(truncateAt);
        journalBytes = truncateAt - HEADER;
    }

    private static ByteBuffer header(long base) {
        return ByteBuffer.allocate(HEADER).put(MAGIC).putLong(base).flip();
    }

    private void requireOpen() {
        if (journal == null) {
            throw new IllegalStateException("the journal in " + directory + " is not restored or already closed");
        }
    }

    private int checksum(byte[] payload) {
        crc.reset();
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    private static Entry decode(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long consensusId = buffer.getLong();
        int index = buffer.getInt();
        long timestamp = buffer.getLong();
        boolean last = (buffer.get() & LAST_IN_BATCH) != 0;
        byte[] command = new byte[buffer.remaining()];
        buffer.get(command);
        return new Entry(consensusId, index, timestamp, last, command);
    }
}
