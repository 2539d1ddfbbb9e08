package fitmon.replication;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * The RSA keys replicas authenticate each other with when they set up their links: every
 * replica's public key, by id, and this replica's private key. Each replica has its own pair, so a
 * process holding one replica's key cannot pose as another.
 *
 * @param publicKeys every replica's public key, index = replica id
 * @param privateKey this replica's private key
 */
public record ReplicaKeys(List<PublicKey> publicKeys, PrivateKey privateKey) {

    public static final int MIN_RSA_BITS = 2048;

    public ReplicaKeys {
        publicKeys = List.copyOf(publicKeys);
    }

    /**
     * Checks the keys fit the group and that the private key belongs to {@code replicaId}.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    public void validate(int replicaId, int n) {
        if (publicKeys.size() != n) {
            throw new IllegalArgumentException("replica keys: " + n + " public keys needed (one per replica, by id), got "
                    + publicKeys.size());
        }
        for (int id = 0; id < n; id++) {
            if (!(publicKeys.get(id) instanceof RSAPublicKey rsa) || rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("replica keys: the public key of replica " + id + " must be RSA of at least "
                        + MIN_RSA_BITS + " bits");
            }
        }
        if (!matches(privateKey, publicKeys.get(replicaId))) {
            throw new IllegalArgumentException("replica keys: this replica's private key does not match the public key "
                    + "configured for replica " + replicaId);
        }
    }

    private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey == null || !"RSA".equals(privateKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "fitmon replica key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
