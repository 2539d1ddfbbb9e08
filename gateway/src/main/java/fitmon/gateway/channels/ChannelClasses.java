package fitmon.gateway.channels;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.channel.ChannelClass;
import org.springframework.stereotype.Component;

/**
 * Which class each channel has, to send its events ordered or unordered. Learned from voted reads
 * and from creations; a channel deleted and created again with another class is corrected when
 * the replicas answer WRONG_DELIVERY_PATH.
 */
@Component
public class ChannelClasses {

    private static final int MAX_ENTRIES = 100_000;

    private final ReplicaReader reader;
    private final Map<String, ChannelClass> known = new ConcurrentHashMap<>();

    public ChannelClasses(ReplicaReader reader) {
        this.reader = reader;
    }

    /** The class f+1 replicas report, or empty when the channel does not exist. */
    public Optional<ChannelClass> of(String tag) {
        ChannelClass cached = known.get(tag);
        if (cached != null) {
            return Optional.of(cached);
        }
        ReplicaReader.Voted voted = reader.read("/api/v1/channels/" + tag, ChannelComparison::agreedPart);
        if (voted.status() != 200) {
            return Optional.empty();
        }
        ChannelClass channelClass = ChannelClass.valueOf(voted.body().path("class").asString());
        remember(tag, channelClass);
        return Optional.of(channelClass);
    }

    public void remember(String tag, ChannelClass channelClass) {
        if (known.size() >= MAX_ENTRIES) {
            known.clear();
        }
        known.put(tag, channelClass);
    }

    public void forget(String tag) {
        known.remove(tag);
    }
}
