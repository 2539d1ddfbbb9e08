package fitmon.core.command;

/** What happened to one event of a publish. */
public sealed interface EventOutcome {

    /** Ordered and appended to the channel log. */
    record Appended(long channelSeq, long orderedAtMillis) implements EventOutcome {
    }

    /** Accepted on an unordered channel (per-probe FIFO, no channel sequence). */
    record Queued(String probeId, long seq) implements EventOutcome {
    }

    /** Refused; appears in no log. */
    record Refused(RejectReason reason, String detail) implements EventOutcome {
    }
}
