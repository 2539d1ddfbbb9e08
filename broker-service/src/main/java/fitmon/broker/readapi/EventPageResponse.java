package fitmon.broker.readapi;

import java.util.List;

/**
 * A page of a channel's retained log.
 *
 * @param nextFromSeq the {@code fromSeq} that continues after this page
 */
public record EventPageResponse(String tag, long firstRetainedSeq, long lastSeq, long nextFromSeq,
                                List<DeliveryResponse> events) {
}
