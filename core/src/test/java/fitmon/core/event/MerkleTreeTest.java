package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(MerkleTree.leafHash(("event-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    private static byte[] sha256(int prefix, byte[]... parts) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) prefix);
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }

    @Test
    void hashesLeavesAndNodesWithDistinctPrefixesAndSplitsAtThePowerOfTwoBelow() throws Exception {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        assertThat(MerkleTree.leafHash(a)).isEqualTo(sha256(0, a));

        List<byte[]> five = leaves(5);
        byte[] left = sha256(1, sha256(1, five.get(0), five.get(1)), sha256(1, five.get(2), five.get(3)));
        assertThat(MerkleTree.build(five).root()).isEqualTo(sha256(1, left, five.get(4)));
        List<byte[]> three = leaves(3);
        assertThat(MerkleTree.build(three).root()).isEqualTo(sha256(1, sha256(1, three.get(0), three.get(1)), three.get(2)));
        assertThat(MerkleTree.build(leaves(1)).root()).isEqualTo(leaves(1).get(0));
    }

    @Test
    void everyLeafsPathLeadsToTheRootAndNoOtherPlaceDoes() {
        for (int size = 1; size <= 40; size++) {
            List<byte[]> leaves = leaves(size);
            MerkleTree.Tree tree = MerkleTree.build(leaves);
            byte[] root = tree.root();
            List<List<byte[]>> paths = tree.paths();
            int depth = 32 - Integer.numberOfLeadingZeros(size - 1);
            for (int i = 0; i < size; i++) {
                List<byte[]> path = paths.get(i);
                assertThat(path.size()).isLessThanOrEqualTo(depth);
                assertThat(MerkleTree.rootFromPath(leaves.get(i), i, size, path)).as("leaf %d of %d", i, size)
                        .isEqualTo(root);
                for (int other = 0; other < size; other++) {
                    if (other != i) {
                        assertThat(MerkleTree.rootFromPath(leaves.get(i), other, size, path))
                                .as("leaf %d claimed at %d of %d", i, other, size).isNotEqualTo(root);
                    }
                }
                if (size > 1) {
                    assertThat(MerkleTree.rootFromPath(leaves.get((i + 1) % size), i, size, path)).isNotEqualTo(root);
                }
            }
        }
    }

    @Test
    void aPathOfTheWrongShapeLeadsNowhere() {
        List<byte[]> leaves = leaves(6);
        List<byte[]> path = MerkleTree.build(leaves).paths().get(4);
        byte[] leaf = leaves.get(4);

        assertThat(MerkleTree.rootFromPath(leaf, 6, 6, path)).isNull();
        assertThat(MerkleTree.rootFromPath(leaf, -1, 6, path)).isNull();
        assertThat(MerkleTree.rootFromPath(leaf, 4, 6, path.subList(0, path.size() - 1))).isNull();
        List<byte[]> longer = new ArrayList<>(path);
        longer.add(leaves.get(0));
        assertThat(MerkleTree.rootFromPath(leaf, 4, 6, longer)).isNull();
        List<byte[]> shortHash = new ArrayList<>(path);
        shortHash.set(0, new byte[31]);
        assertThat(MerkleTree.rootFromPath(leaf, 4, 6, shortHash)).isNull();
        // another size changes the shape: the same path no longer leads to the root
        assertThat(MerkleTree.rootFromPath(leaf, 4, 5, path)).isNotEqualTo(MerkleTree.build(leaves).root());
        assertThat(MerkleTree.rootFromPath(leaf, 4, 8, path)).isNotEqualTo(MerkleTree.build(leaves).root());
    }

    @Test
    void anEmptyTreeHasNoRoot() {
        assertThatThrownBy(() -> MerkleTree.build(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
