package fitmon.gateway.channels;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /api/v1/channels}. Absent limits take the defaults.
 *
 * @param channelClass BFT, CFT_O, CFT_NO_U or CFT_NO_NU
 */
public record CreateChannelRequest(String tag, @JsonProperty("class") String channelClass, Long idleTimeoutSeconds,
                                   Integer maxProbes, Integer maxSubscribers, Retention retention) {

    /** How much of the log each replica keeps. */
    public record Retention(Integer maxEvents, Long maxBytes) {
    }
}
