package fitmon.replication.durability;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A replica's state at the end of one consensus instance, on disk: magic, consensus id, length,
 * the service's snapshot bytes and a SHA-256 over all of it. Written to a temporary file, forced
 * to disk and renamed over the previous one, so a crash leaves either the old or the new snapshot.
 */
final class SnapshotFile {

    private static final byte[] MAGIC = "FMSNAP01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + Long.BYTES + Integer.BYTES;
    private static final int DIGEST = 32;

    record Snapshot(long consensusId, byte[] state) {
    }

    private final Path file;

    SnapshotFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    Optional<Snapshot> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER + DIGEST || !Arrays.equals(MAGIC, 0, MAGIC.length, bytes, 0, MAGIC.length)) {
            throw new DamagedJournalException(file, "not a fitmon snapshot or cut short (" + bytes.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.position(MAGIC.length);
        long consensusId = buffer.getLong();
        int length = buffer.getInt();
        if (length < 0 || length != bytes.length - HEADER - DIGEST) {
            throw new DamagedJournalException(file, "its length field says " + length + " bytes of state, the file holds "
                    + (bytes.length - HEADER - DIGEST));
        }
        byte[] expected = sha256(bytes, HEADER + length);
        if (!Arrays.equals(expected, 0, DIGEST, bytes, HEADER + length, bytes.length)) {
            throw new DamagedJournalException(file, "its SHA-256 does not match its content");
        }
        return Optional.of(new Snapshot(consensusId, Arrays.copyOfRange(bytes, HEADER, HEADER + length)));
    }

    void write(long consensusId, byte[] state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + state.length + DIGEST);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeLong(consensusId);
            data.writeInt(state.length);
            data.write(state);
        }
        byte[] body = out.toByteArray();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer content = ByteBuffer.allocate(body.length + DIGEST).put(body).put(sha256(body, body.length)).flip();
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Directories.force(file.getParent());
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
