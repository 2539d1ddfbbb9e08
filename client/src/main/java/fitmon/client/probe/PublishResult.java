package fitmon.client.probe;

/**
 * What became of one published event.
 *
 * @param seq        the SEQ the event was signed with
 * @param status     see {@link Status}
 * @param channelSeq the channel sequence number the replicas assigned (ordered classes, APPENDED only)
 * @param orderedAt  the consensus time of the order (APPENDED only), ISO-8601
 * @param code       the refusal code (REFUSED), or SEQ_NOT_INCREASING for a DUPLICATE
 * @param detail     the refusal's explanation
 */
public record PublishResult(long seq, Status status, Long channelSeq, String orderedAt, String code, String detail) {

    public enum Status {
        /** Ordered and logged under {@code channelSeq}. */
        APPENDED,
        /** Accepted on an unordered channel (CFT_NO_*): delivered without a channel sequence number. */
        QUEUED,
        /**
         * Sent again after an attempt whose answer was lost, and the brokers already held this SEQ:
         * the earlier attempt had gone through, and no second copy was logged.
         */
        DUPLICATE,
        /** Refused by the brokers; {@code code} says why. */
        REFUSED
    }

    /** Whether the event is in the brokers' hands (appended, queued, or already there). */
    public boolean accepted() {
        return status != Status.REFUSED;
    }
}
