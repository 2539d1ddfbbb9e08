package fitmon.broker.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** The secret lab requests carry; compared in constant time. */
final class LabToken {

    static final int MIN_LENGTH = 16;

    private final byte[] expected;

    private LabToken(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    static LabToken of(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalStateException("the lab token must have at least " + MIN_LENGTH + " characters");
        }
        return new LabToken(token);
    }

    /** @throws IllegalStateException the file is not set, cannot be read or holds too short a token */
    static LabToken read(Path file) {
        if (file == null) {
            throw new IllegalStateException("lab mode (fitmon.broker.lab.enabled=true) needs fitmon.broker.lab.token-file:"
                    + " a file holding the token lab requests must carry");
        }
        try {
            return of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the lab token file " + file + ": " + e, e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (in " + file + ")", e);
        }
    }

    boolean matches(String authorization) {
        return authorization != null
                && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
