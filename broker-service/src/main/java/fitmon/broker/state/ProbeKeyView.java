package fitmon.broker.state;

/**
 * A registered probe's certified key as the read APIs show it, so consoles can verify event
 * signatures themselves.
 *
 * @param algorithm         the envelope's {@code sig.alg} the key verifies ({@code Ed25519}, {@code ES256}, {@code RS256})
 * @param publicKey         base64 DER SubjectPublicKeyInfo
 * @param certificateSerial the registering certificate's serial number, decimal
 * @param revoked           whether that certificate is in the agreed revoked set: the probe's events
 *                          are refused ({@code CERTIFICATE_REVOKED}) until it registers with a new one
 */
public record ProbeKeyView(String probeId, String algorithm, String publicKey, String certificateSerial,
                           long certificateNotAfterMillis, boolean revoked) {
}
