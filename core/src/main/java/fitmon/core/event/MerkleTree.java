package fitmon.core.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, over SHA-256: leaves
 * hashed as {@code SHA-256(0x00 || leaf)}, inner nodes as {@code SHA-256(0x01 || left || right)},
 * an n-leaf tree split at the largest power of two below n. The distinct prefixes keep a leaf from
 * passing for an inner node. A batch signature signs the root; each event carries its inclusion
 * path, so whoever checks one event needs that event, its path and one signature check per batch.
 */
public final class MerkleTree {

    public static final int HASH_BYTES = 32;

    private MerkleTree() {
    }

    public static byte[] leafHash(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        sha.update(leaf);
        return sha.digest();
    }

    /** A built tree: its root, and the inclusion path of every leaf in leaf order (leaf to root). */
    public record Tree(byte[] root, List<List<byte[]>> paths) {
    }

    /**
     * The tree over leaf hashes, in order; at least one. One pass (each inner node hashed once), so
     * signing a batch of n events costs n - 1 inner hashes and n log n path entries.
     */
    public static Tree build(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one event");
        }
        List<List<byte[]>> paths = new ArrayList<>(leafHashes.size());
        for (int i = 0; i < leafHashes.size(); i++) {
            paths.add(new ArrayList<>());
        }
        byte[] root = rootCollectingPaths(leafHashes, 0, leafHashes.size(), paths);
        return new Tree(root, paths);
    }

    /**
     * The root that leaf {@code index} of a {@code size}-leaf tree with this hash and path leads
     * to (RFC 9162 2.1.3.2), or null when the path cannot belong to such a leaf: wrong length, an
     * index outside the tree, a sibling that is not a SHA-256.
     */
    public static byte[] rootFromPath(byte[] leafHash, int index, int size, List<byte[]> path) {
        if (index < 0 || index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1L;
        byte[] r = leafHash;
        for (byte[] sibling : path) {
            if (sn == 0 || sibling.length != HASH_BYTES) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(sibling, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = node(r, sibling);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static byte[] rootCollectingPaths(List<byte[]> leafHashes, int from, int to, List<List<byte[]>> paths) {
        int n = to - from;
        if (n == 1) {
            return leafHashes.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        byte[] left = rootCollectingPaths(leafHashes, from, from + k, paths);
        byte[] right = rootCollectingPaths(leafHashes, from + k, to, paths);
        for (int i = from; i < from + k; i++) {
            paths.get(i).add(right);
        }
        for (int i = from + k; i < to; i++) {
            paths.get(i).add(left);
        }
        return node(left, right);
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
