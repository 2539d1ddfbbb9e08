package fitmon.client.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a running local suite takes lab requests: a port on 127.0.0.1 and the token every request
 * must carry. Written to {@code lab.json} in the suite's data directory, readable and writable by
 * its owner only (0600), so that only the user who started the suite can drive it; deleted when
 * the suite stops.
 *
 * @param port  the control endpoint's port on 127.0.0.1
 * @param token random, 256 bits, base64url
 * @param pid   the process id of {@code fitmon local}, for the person reading the file
 */
public record LabEndpoint(int port, String token, long pid) {

    static final String FILE = "lab.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    static String newToken() {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    static Path file(Path data) {
        return data.resolve(FILE);
    }

    /** Writes the file atomically, created 0600 before anything secret is in it. */
    void write(Path data) throws IOException {
        Path target = file(data);
        Path temporary = target.resolveSibling(FILE + "." + pid + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temporary + ": it exists", e);
        }
        Files.writeString(temporary, JSON.writeValueAsString(this));
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The endpoint of the suite running with data directory {@code data}, as its file says. */
    public static LabEndpoint read(Path data) throws IOException {
        Path file = file(data);
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            return new LabEndpoint(node.get("port").asInt(), node.get("token").asString(), node.get("pid").asLong());
        } catch (NoSuchFileException e) {
            throw new LabException(LabException.Kind.NOT_RUNNING, "no fitmon local is running with data directory "
                    + data.toAbsolutePath().normalize() + " (no " + FILE + " there); start it with ./fitmon-local, or"
                    + " give the suite's directory with --data DIR");
        } catch (JacksonException | NullPointerException e) {
            throw new IOException("cannot read " + file + ": not a lab endpoint file", e);
        }
    }

    /** Deletes the file if it is still this endpoint's (a later suite may have replaced it). */
    void delete(Path data) {
        try {
            if (read(data).equals(this)) {
                Files.deleteIfExists(file(data));
            }
        } catch (IOException e) {
            // gone already, or replaced by something that is not ours
        }
    }
}
