package fitmon.client.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import fitmon.client.http.GatewayClient;
import fitmon.core.channel.ChannelClass;
import fitmon.core.channel.TagSyntax;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Channel administration through the gateway: create (ADMIN on the TAG), list what the caller sees, delete. */
public final class ChannelAdmin {

    private final GatewayClient gateway;

    public ChannelAdmin(GatewayClient gateway) {
        this.gateway = Objects.requireNonNull(gateway);
    }

    /**
     * What a new channel is; null limits take the brokers' defaults.
     *
     * @param retentionEvents most events each replica keeps
     * @param retentionBytes  most canonical envelope bytes each replica keeps
     */
    public record ChannelSpec(String tag, ChannelClass channelClass, Long idleTimeoutSeconds, Integer maxProbes,
                              Integer maxSubscribers, Integer retentionEvents, Long retentionBytes) {

        public static ChannelSpec of(String tag, ChannelClass channelClass) {
            return new ChannelSpec(tag, channelClass, null, null, null, null, null);
        }

        JsonNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("tag", tag);
            node.put("class", channelClass.name());
            if (idleTimeoutSeconds != null) {
                node.put("idleTimeoutSeconds", idleTimeoutSeconds);
            }
            if (maxProbes != null) {
                node.put("maxProbes", maxProbes);
            }
            if (maxSubscribers != null) {
                node.put("maxSubscribers", maxSubscribers);
            }
            if (retentionEvents != null || retentionBytes != null) {
                ObjectNode retention = node.putObject("retention");
                if (retentionEvents != null) {
                    retention.put("maxEvents", retentionEvents);
                }
                if (retentionBytes != null) {
                    retention.put("maxBytes", retentionBytes);
                }
            }
            return node;
        }
    }

    /** One channel as f+1 replicas report it: the raw JSON plus the fields everyone needs. */
    public record ChannelInfo(String tag, String channelClass, long lastSeq, JsonNode json) {
    }

    /** Creates the channel (not retried: a lost answer could make a second try report CHANNEL_EXISTS). */
    public JsonNode create(ChannelSpec spec) {
        requireTag(spec.tag());
        return gateway.post("/api/v1/channels", spec.toJson(), false);
    }

    public List<ChannelInfo> list() {
        JsonNode array = gateway.get("/api/v1/channels");
        List<ChannelInfo> channels = new ArrayList<>();
        for (JsonNode channel : array) {
            channels.add(info(channel));
        }
        return channels;
    }

    public ChannelInfo get(String tag) {
        requireTag(tag);
        return info(gateway.get("/api/v1/channels/" + tag));
    }

    public void delete(String tag) {
        requireTag(tag);
        gateway.delete("/api/v1/channels/" + tag);
    }

    private static ChannelInfo info(JsonNode channel) {
        JsonNode lastSeq = channel.get("lastSeq");
        JsonNode tag = channel.get("tag");
        JsonNode channelClass = channel.get("class");
        return new ChannelInfo(tag == null ? null : tag.asString(), channelClass == null ? null : channelClass.asString(),
                lastSeq == null ? 0 : lastSeq.asLong(), channel);
    }

    private static void requireTag(String tag) {
        if (!TagSyntax.isValid(tag)) {
            throw new IllegalArgumentException("TAG '" + tag + "' is not valid: " + TagSyntax.rule());
        }
    }
}
