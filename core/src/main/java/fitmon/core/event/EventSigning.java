package fitmon.core.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;

/**
 * Signing and verification of envelopes: one signature over an event's JCS bytes, or one
 * signature over the Merkle root of a batch of events ({@link BatchProof}), each event carrying
 * its inclusion path. Both give every event the same guarantee: whoever checks it knows the key's
 * owner signed exactly these bytes.
 */
public final class EventSigning {

    /** Prefix of the bytes a batch signature covers; no JCS text starts with it (JCS starts '{'). */
    private static final byte[] BATCH_DOMAIN = "fitmon-event-batch-v1\0".getBytes(StandardCharsets.US_ASCII);

    private EventSigning() {
    }

    public static Event sign(Event event, MessageSigner signer) {
        byte[] signature = signer.sign(CanonicalJson.signingBytes(event));
        return event.withSignature(EventSignature.of(signer.algorithm().envelopeName(), signature));
    }

    /** Signs each event alone. */
    public static List<Event> signEach(List<Event> events, MessageSigner signer) {
        List<Event> signed = new ArrayList<>(events.size());
        for (Event event : events) {
            signed.add(sign(event, signer));
        }
        return signed;
    }

    /**
     * Signs {@code events} with one signature over their Merkle root; every event gets the same
     * {@code sig.value} and its own {@code sig.batch}. A batch of one is signed as a single event.
     */
    public static List<Event> signBatch(List<Event> events, MessageSigner signer) {
        if (events.size() == 1) {
            return List.of(sign(events.get(0), signer));
        }
        if (events.isEmpty() || events.size() > BatchProof.MAX_SIZE) {
            throw new IllegalArgumentException("a signed batch holds 1 to " + BatchProof.MAX_SIZE + " events, not "
                    + events.size());
        }
        List<byte[]> leaves = new ArrayList<>(events.size());
        for (Event event : events) {
            leaves.add(MerkleTree.leafHash(CanonicalJson.signingBytes(event)));
        }
        MerkleTree.Tree tree = MerkleTree.build(leaves);
        byte[] signature = signer.sign(batchMessage(events.size(), tree.root()));
        List<List<byte[]>> paths = tree.paths();
        String alg = signer.algorithm().envelopeName();
        List<Event> signed = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            BatchProof proof = BatchProof.of(events.size(), i, paths.get(i));
            signed.add(events.get(i).withSignature(EventSignature.ofBatch(alg, signature, proof)));
        }
        return signed;
    }

    /** What a batch signature covers: a domain prefix, the batch size (4 bytes, big-endian), the root. */
    public static byte[] batchMessage(int size, byte[] root) {
        return ByteBuffer.allocate(BATCH_DOMAIN.length + 4 + root.length)
                .put(BATCH_DOMAIN).putInt(size).put(root).array();
    }

    /**
     * The bytes {@code sig.value} must be a signature over: the event's JCS bytes, or for a batch
     * member the batch message of the root its path leads to; null when that path cannot lead to
     * any root (an index outside the batch, a path of the wrong length or not of SHA-256 hashes).
     * Events of one batch share these bytes, so a verifier may remember one verdict for all of them.
     */
    public static byte[] signedBytes(Event event) {
        return signedBytes(event, CanonicalJson.signingBytes(event));
    }

    /**
     * As {@link #signedBytes(Event)}, for a caller that already holds the event's JCS signing
     * bytes ({@link CanonicalJson#signingBytes}): they are not computed again.
     */
    public static byte[] signedBytes(Event event, byte[] signingBytes) {
        BatchProof batch = event.sig() == null ? null : event.sig().batch();
        if (batch == null) {
            return signingBytes;
        }
        List<byte[]> path = batch.pathBytes();
        if (path == null || batch.size() < 1 || batch.size() > BatchProof.MAX_SIZE) {
            return null;
        }
        byte[] leaf = MerkleTree.leafHash(signingBytes);
        byte[] root = MerkleTree.rootFromPath(leaf, batch.index(), batch.size(), path);
        return root == null ? null : batchMessage(batch.size(), root);
    }

    /** The outcome of checking one envelope's signature. */
    public enum Verdict { VALID, UNSIGNED, UNKNOWN_ALGORITHM, WRONG_KEY_TYPE, INVALID }

    public static Verdict verify(Event event, VerificationKey key) {
        Verdict precheck = precheck(event, key);
        return precheck != null ? precheck : verifySignedBytes(event, key, signedBytes(event));
    }

    /**
     * The verdict that needs no signature check (unsigned, unknown algorithm, wrong key type), or
     * null when the signature must be checked.
     */
    public static Verdict precheck(Event event, VerificationKey key) {
        if (event.sig() == null) {
            return Verdict.UNSIGNED;
        }
        SignatureAlgorithm alg = SignatureAlgorithm.fromEnvelopeName(event.sig().alg());
        if (alg == null) {
            return Verdict.UNKNOWN_ALGORITHM;
        }
        if (alg != key.algorithm()) {
            return Verdict.WRONG_KEY_TYPE;
        }
        return null;
    }

    /** Checks {@code sig.value} over {@code signedBytes} (from {@link #signedBytes}; null is INVALID). */
    public static Verdict verifySignedBytes(Event event, VerificationKey key, byte[] signedBytes) {
        Verdict precheck = precheck(event, key);
        if (precheck != null) {
            return precheck;
        }
        if (signedBytes == null) {
            return Verdict.INVALID;
        }
        return key.verify(key.algorithm(), signedBytes, event.sig().bytes()) ? Verdict.VALID : Verdict.INVALID;
    }
}
