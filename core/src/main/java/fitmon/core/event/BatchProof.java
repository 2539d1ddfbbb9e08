package fitmon.core.event;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code sig.batch} member of an envelope signed as part of a batch: the event is leaf
 * {@code index} of a {@code size}-leaf Merkle tree ({@link MerkleTree}) whose leaves are the JCS
 * bytes of each event without {@code sig}, and {@code path} is its inclusion path. The signature
 * in {@code sig.value} covers {@link EventSigning#batchMessage} of the tree's root, the same for
 * every event of the batch.
 *
 * @param size  events in the batch, 2 to {@link #MAX_SIZE} (one event is signed alone)
 * @param index this event's place in the batch, from 0
 * @param path  base64url SHA-256 hashes, leaf to root
 */
public record BatchProof(int size, int index, List<String> path) {

    /** Largest batch one signature may cover: 2^20 events, so a path has at most 20 hashes. */
    public static final int MAX_SIZE = 1 << 20;
    public static final int MAX_PATH = 20;

    public BatchProof {
        path = List.copyOf(path);
    }

    public static BatchProof of(int size, int index, List<byte[]> path) {
        List<String> encoded = new ArrayList<>(path.size());
        for (byte[] hash : path) {
            encoded.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
        }
        return new BatchProof(size, index, encoded);
    }

    /** The path's hashes, or null when one is not base64url of a SHA-256. */
    public List<byte[]> pathBytes() {
        List<byte[]> hashes = new ArrayList<>(path.size());
        for (String hash : path) {
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(hash);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (bytes.length != MerkleTree.HASH_BYTES) {
                return null;
            }
            hashes.add(bytes);
        }
        return hashes;
    }
}
