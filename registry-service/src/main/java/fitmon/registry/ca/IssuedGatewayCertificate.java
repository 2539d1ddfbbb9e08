package fitmon.registry.ca;

import java.time.Instant;

/** A row of the gateway_certificates table. */
public record IssuedGatewayCertificate(String serial, String gatewayName, String pem, Instant issuedAt,
                                       Instant notAfter, Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
