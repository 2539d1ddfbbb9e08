package fitmon.core.event;

import java.util.Base64;

/**
 * The {@code sig} member of an envelope.
 *
 * @param alg   algorithm name ({@code Ed25519}, {@code ES256}, {@code RS256})
 * @param value base64url signature (padding optional on input, absent on output)
 */
public record EventSignature(String alg, String value) {

    public static EventSignature of(String alg, byte[] signature) {
        return new EventSignature(alg, Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
    }

    /** The signature bytes, or null when {@code value} is not base64url. */
    public byte[] bytes() {
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
