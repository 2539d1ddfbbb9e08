package fitmon.broker.readapi;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import fitmon.broker.state.ChannelView;
import fitmon.broker.state.ProbeKeyView;
import fitmon.core.command.ChannelRetention;

/** A channel as the read API shows it. */
public record ChannelResponse(String tag, @JsonProperty("class") String channelClass, long idleTimeoutSeconds,
                              int maxProbes, int maxSubscribers, ChannelRetention retention, Instant createdAt,
                              Instant lastActivityAt, long lastSeq, long firstRetainedSeq, int retainedEvents,
                              long retainedBytes, List<String> probes, List<String> subscribers,
                              List<ProbeKeyView> probeKeys) {

    /** The same channel, with another last sequence (what a lying replica claims). */
    ChannelResponse claimingLastSeq(long claimed) {
        return new ChannelResponse(tag, channelClass, idleTimeoutSeconds, maxProbes, maxSubscribers, retention, createdAt,
                lastActivityAt, claimed, firstRetainedSeq, retainedEvents, retainedBytes, probes, subscribers, probeKeys);
    }

    static ChannelResponse of(ChannelView v) {
        return new ChannelResponse(v.tag(), v.channelClass().name(), v.idleTimeoutSeconds(), v.maxProbes(),
                v.maxSubscribers(), v.retention(), Instant.ofEpochMilli(v.createdAtMillis()),
                Instant.ofEpochMilli(v.lastActivityMillis()), v.lastSeq(), v.firstRetainedSeq(), v.retainedEvents(),
                v.retainedBytes(), v.probes(), v.subscribers(), v.probeKeys());
    }
}
