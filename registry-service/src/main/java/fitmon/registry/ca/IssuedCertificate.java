package fitmon.registry.ca;

import java.time.Instant;

/** A row of the certificates table. */
public record IssuedCertificate(String serial, long principalId, String probeId, String pem, Instant issuedAt,
                                Instant notAfter, Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
