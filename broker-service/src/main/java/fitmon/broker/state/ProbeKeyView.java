package fitmon.broker.state;

/**
 * A registered probe's certified key as the read APIs show it, so consoles can verify event
 * signatures themselves.
 *
 * @param algorithm         the envelope's {@code sig.alg} the key verifies ({@code Ed25519}, {@code ES256}, {@code RS256})
 * @param publicKey         base64 DER SubjectPublicKeyInfo
 * @param certificateSerial the registering certificate's serial number, decimal
 */
public record ProbeKeyView(String probeId, String algorithm, String publicKey, String certificateSerial,
                           long certificateNotAfterMillis) {
}
