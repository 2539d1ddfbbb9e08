package fitmon.replication.bftsmart;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import fitmon.replication.Peer;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicationSettings;
import fitmon.testkit.FreePorts;

/** A group of n replicas on free loopback port pairs, each with its own RSA pair, as in production. */
final class TestGroup {

    private TestGroup() {
    }

    static ReplicationSettings settings(int n, int f) {
        List<Integer> ports = FreePorts.pairs(n);
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(new Peer(i, "127.0.0.1", ports.get(i)));
        }
        return ReplicationSettings.of(peers, f);
    }

    /** Every replica's keys, by id: its own private key and all public keys. */
    static List<ReplicaKeys> keys(int n) throws GeneralSecurityException {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(ReplicaKeys.MIN_RSA_BITS);
        List<KeyPair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pairs.add(rsa.generateKeyPair());
        }
        List<PublicKey> publicKeys = pairs.stream().map(KeyPair::getPublic).toList();
        return pairs.stream().map(pair -> new ReplicaKeys(publicKeys, pair.getPrivate())).toList();
    }
}
