package fitmon.client.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import fitmon.core.event.EventJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A probe's SEQ counter, kept in a small JSON file ({@code {"lastSeq":N}}) so that a restarted
 * probe goes on where it stopped. A SEQ is written to disk (fsync, atomic rename) before any event
 * carrying it is sent, so no SEQ is ever used twice for different events, even after a crash; a
 * crash may only leave gaps, which the brokers accept.
 *
 * <p>{@link #exclusively} serialises publishers of one probe, in this JVM and across processes
 * (a lock file beside the state file): events must reach the brokers in SEQ order, so reserving
 * SEQs and sending them is one critical section.
 */
public final class SequenceFile {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Work done while holding the probe's publishing lock. */
    public interface Critical<T> {
        T run() throws IOException;
    }

    private final Path file;
    private final Path lockFile;

    public SequenceFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    public Path file() {
        return file;
    }

    /** The last SEQ handed out, 0 when none was. */
    public long last() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException("SEQ state file " + file + " is not JSON: " + e.getOriginalMessage());
        }
        JsonNode last = node == null ? null : node.get("lastSeq");
        if (last == null || !last.isIntegralNumber() || !last.canConvertToLong() || last.longValue() < 0) {
            throw new IOException("SEQ state file " + file + " must hold {\"lastSeq\":<a whole number ≥ 0>}");
        }
        return last.longValue();
    }

    /**
     * Hands out {@code count} consecutive SEQs and records the last one durably before returning.
     * Call it inside {@link #exclusively} when other publishers may share the file.
     *
     * @return the first of the SEQs
     */
    public long reserve(int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("reserve at least one SEQ");
        }
        long first = last() + 1;
        long last = first + count - 1;
        if (last > EventJson.MAX_SEQ) {
            throw new IOException("the probe's SEQ would pass " + EventJson.MAX_SEQ + ", the largest JSON carries exactly");
        }
        write(last);
        return first;
    }

    /** Runs {@code work} while no other publisher of this probe (thread or process) runs its own. */
    public <T> T exclusively(Critical<T> work) throws IOException {
        ReentrantLock local = LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return work.run();
            }
        } finally {
            local.unlock();
        }
    }

    private void write(long lastSeq) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] content = ("{\"lastSeq\":" + lastSeq + "}\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
