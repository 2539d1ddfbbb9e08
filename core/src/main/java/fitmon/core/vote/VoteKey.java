package fitmon.core.vote;

import java.util.Objects;

/**
 * Identity of one delivery across replicas: every replica's copy of the same delivery has an equal
 * key. Ordered classes are keyed by the consensus-assigned channel sequence; unordered classes
 * bypass consensus, so their copies are keyed by the probe's own (probeId, SEQ).
 */
public sealed interface VoteKey permits VoteKey.OrderedKey, VoteKey.UnorderedKey {

    /** The channel TAG. */
    String tag();

    static OrderedKey ordered(String tag, long channelSeq) {
        return new OrderedKey(tag, channelSeq);
    }

    static UnorderedKey unordered(String tag, String probeId, long seq) {
        return new UnorderedKey(tag, probeId, seq);
    }

    /** Key of a delivery on an ordered class ({@code BFT}, {@code CFT_O}). */
    record OrderedKey(String tag, long channelSeq) implements VoteKey {
        public OrderedKey {
            Objects.requireNonNull(tag, "tag");
            if (channelSeq < 0) {
                throw new IllegalArgumentException("channelSeq must be >= 0, got " + channelSeq);
            }
        }
    }

    /** Key of a delivery on an unordered class ({@code CFT_NO_U}, {@code CFT_NO_NU}). */
    record UnorderedKey(String tag, String probeId, long seq) implements VoteKey {
        public UnorderedKey {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(probeId, "probeId");
            if (seq < 0) {
                throw new IllegalArgumentException("seq must be >= 0, got " + seq);
            }
        }
    }
}
