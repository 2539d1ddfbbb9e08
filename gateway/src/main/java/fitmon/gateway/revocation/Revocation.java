package fitmon.gateway.revocation;

import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import fitmon.core.command.CertificateKind;
import fitmon.core.command.RevokeCertificate;
import tools.jackson.databind.JsonNode;

/**
 * A certificate the registry has revoked, as its revocation views show it: serial (hex), kind
 * and end of validity.
 */
record Revocation(BigInteger serial, CertificateKind kind, Instant notAfter) {

    /** The revocation a registry view describes, or empty when it is not one. */
    static Optional<Revocation> of(JsonNode view) {
        String serial = view.path("serial").asString("");
        if (!serial.matches("[0-9a-fA-F]{1,64}")) {
            return Optional.empty();
        }
        CertificateKind kind = CertificateKind.fromName(view.path("kind").asString("PROBE"));
        if (kind == null) {
            return Optional.empty();
        }
        Instant notAfter = Instant.MAX;
        String text = view.path("notAfter").asString("");
        if (!text.isEmpty()) {
            try {
                notAfter = Instant.parse(text);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        BigInteger value = new BigInteger(serial, 16);
        return value.signum() > 0 ? Optional.of(new Revocation(value, kind, notAfter)) : Optional.empty();
    }

    RevokeCertificate command(String reason) {
        long notAfterMillis = notAfter.equals(Instant.MAX) ? Long.MAX_VALUE : notAfter.toEpochMilli();
        return new RevokeCertificate(serial, kind, notAfterMillis, reason);
    }

    String serialHex() {
        return serial.toString(16);
    }
}
