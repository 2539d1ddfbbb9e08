package fitmon.replication;

/**
 * Where an ordered command sits in the agreed order.
 *
 * @param consensusId     the consensus instance (batch) that decided the command
 * @param indexInBatch    the command's position inside that batch
 * @param timestampMillis the batch timestamp agreed through consensus, the only time a
 *                        deterministic service may use
 */
public record OrderContext(long consensusId, int indexInBatch, long timestampMillis) {
}
