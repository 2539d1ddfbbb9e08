package fitmon.replication;

/**
 * Where an ordered command sits in the agreed order.
 *
 * @param consensusId     the consensus instance (batch) that decided the command
 * @param indexInBatch    the command's position inside that batch
 * @param timestampMillis the batch timestamp agreed through consensus, the only time a
 *                        deterministic service may use. It is identical on every correct replica
 *                        for a given command, but it is the proposing leader's clock, unchecked
 *                        by the replication engine: it may go backwards after a leader change and
 *                        a faulty leader may choose it. A service that needs monotonic time keeps
 *                        the last value in its replicated state and uses {@code max(last, this)}.
 */
public record OrderContext(long consensusId, int indexInBatch, long timestampMillis) {
}
