package fitmon.broker.state;

/**
 * A revoked certificate as the read APIs show it.
 *
 * @param serial the serial number, lowercase hex (as the registry writes it)
 * @param kind   {@code PROBE} or {@code GATEWAY}
 */
public record RevokedCertificateView(String serial, String kind, long notAfterMillis, long revokedAtMillis,
                                     String reason) {
}
