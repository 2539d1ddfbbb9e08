package fitmon.replication;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplicaKeysTest {

    private static final List<KeyPair> PAIRS = new ArrayList<>();

    @BeforeAll
    static void generate() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (int i = 0; i < 4; i++) {
            PAIRS.add(rsa.generateKeyPair());
        }
    }

    private static List<PublicKey> publicKeys() {
        return PAIRS.stream().map(KeyPair::getPublic).toList();
    }

    @Test
    void aReplicasOwnPairFits() {
        assertThatCode(() -> new ReplicaKeys(publicKeys(), PAIRS.get(2).getPrivate()).validate(2, 4)).doesNotThrowAnyException();
    }

    @Test
    void anotherReplicasPrivateKeyIsRefused() {
        assertThatThrownBy(() -> new ReplicaKeys(publicKeys(), PAIRS.get(1).getPrivate()).validate(2, 4))
                .hasMessageContaining("does not match the public key configured for replica 2");
    }

    @Test
    void everyReplicaNeedsAPublicKey() {
        assertThatThrownBy(() -> new ReplicaKeys(publicKeys().subList(0, 3), PAIRS.get(0).getPrivate()).validate(0, 4))
                .hasMessageContaining("4 public keys needed");
    }

    @Test
    void weakOrNonRsaKeysAreRefused() throws Exception {
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        List<PublicKey> keys = new ArrayList<>(publicKeys());
        keys.set(3, small.generateKeyPair().getPublic());
        assertThatThrownBy(() -> new ReplicaKeys(keys, PAIRS.get(0).getPrivate()).validate(0, 4))
                .hasMessageContaining("replica 3 must be RSA of at least 2048 bits");
        keys.set(3, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        assertThatThrownBy(() -> new ReplicaKeys(keys, PAIRS.get(0).getPrivate()).validate(0, 4))
                .hasMessageContaining("replica 3 must be RSA");
    }
}
