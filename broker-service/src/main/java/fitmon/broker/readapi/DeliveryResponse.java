package fitmon.broker.readapi;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import fitmon.broker.state.LoggedEvent;
import fitmon.core.channel.ChannelClass;

/**
 * One logged event in the delivery shape of the contract:
 * {@code {"replica","tag","channelSeq","class","orderedAt","event"}}; {@code event} is the
 * canonical signed envelope, verbatim.
 */
public record DeliveryResponse(int replica, String tag, long channelSeq, @JsonProperty("class") String channelClass,
                               Instant orderedAt, @JsonRawValue String event) {

    static DeliveryResponse of(int replica, String tag, ChannelClass channelClass, LoggedEvent e) {
        return new DeliveryResponse(replica, tag, e.channelSeq(), channelClass.name(),
                Instant.ofEpochMilli(e.orderedAtMillis()), e.envelopeJson());
    }
}
