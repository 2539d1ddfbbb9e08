package fitmon.core.event;

import java.util.Base64;

/**
 * The {@code sig} member of an envelope.
 *
 * @param alg   algorithm name ({@code Ed25519}, {@code ES256}, {@code RS256})
 * @param value base64url signature (padding optional on input, absent on output)
 * @param batch for an event signed as part of a batch, its place and inclusion path; null when
 *              the signature covers this event alone
 */
public record EventSignature(String alg, String value, BatchProof batch) {

    public EventSignature(String alg, String value) {
        this(alg, value, null);
    }

    public static EventSignature of(String alg, byte[] signature) {
        return new EventSignature(alg, encode(signature), null);
    }

    public static EventSignature ofBatch(String alg, byte[] signature, BatchProof batch) {
        return new EventSignature(alg, encode(signature), batch);
    }

    /** The signature bytes, or null when {@code value} is not base64url. */
    public byte[] bytes() {
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encode(byte[] signature) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }
}
