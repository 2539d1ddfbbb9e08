package fitmon.core.vote;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Digest of the canonical bytes of a delivered event; copies with equal digests are identical.
 * Immutable: the bytes are copied on the way in and on the way out.
 *
 * @param bytes the digest bytes (non-empty)
 */
public record Digest(byte[] bytes) {

    public Digest {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("digest must not be empty");
        }
        bytes = bytes.clone();
    }

    /** SHA-256 of {@code data} (the caller passes the canonical event bytes). */
    public static Digest sha256(byte[] data) {
        Objects.requireNonNull(data, "data");
        try {
            return new Digest(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory on every Java platform", e);
        }
    }

    /** A copy of the digest bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case hex of the digest bytes. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Digest[" + hex() + "]";
    }
}
