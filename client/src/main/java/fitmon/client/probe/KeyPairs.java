package fitmon.client.probe;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;

/** Checks that a private key belongs to a public key: a test signature must verify. */
final class KeyPairs {

    private static final byte[] PROBE = "fitmon key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyPairs() {
    }

    static boolean matches(PrivateKey privateKey, PublicKey publicKey, SignatureAlgorithm algorithm) {
        try {
            VerificationKey verifier = VerificationKey.of(publicKey);
            return verifier.verify(algorithm, PROBE, new MessageSigner(algorithm, privateKey).sign(PROBE));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
