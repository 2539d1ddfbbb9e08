package fitmon.replication.bftsmart;

import java.security.PrivateKey;
import java.security.PublicKey;

import bftsmart.reconfiguration.util.RsaKeyLoader;
import fitmon.replication.ReplicaKeys;

/** Hands the library our per-replica keys instead of its one built-in key pair. */
final class ConfiguredRsaKeyLoader implements RsaKeyLoader {

    private final ReplicaKeys keys;
    private final int ownId;

    ConfiguredRsaKeyLoader(ReplicaKeys keys, int ownId) {
        this.keys = keys;
        this.ownId = ownId;
    }

    @Override
    public PublicKey loadPublicKey(int id) {
        if (id < 0 || id >= keys.publicKeys().size()) {
            throw new IllegalArgumentException("no public key configured for process " + id);
        }
        return keys.publicKeys().get(id);
    }

    @Override
    public PrivateKey loadPrivateKey(int id) {
        if (id != ownId) {
            throw new IllegalArgumentException("the private key of process " + id + " is not held here");
        }
        return keys.privateKey();
    }
}
