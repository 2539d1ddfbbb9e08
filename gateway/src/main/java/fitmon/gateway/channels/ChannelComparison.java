package fitmon.gateway.channels;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of a replica's channel view that is agreed state. Events of unordered classes are kept
 * by each replica in its own arrival order, so their retained counts may differ between correct
 * replicas; they are left out when answers are compared.
 */
final class ChannelComparison {

    private ChannelComparison() {
    }

    static JsonNode agreedPart(JsonNode channel) {
        if (!(channel instanceof ObjectNode object)) {
            return channel;
        }
        String channelClass = object.path("class").asString("");
        if (!channelClass.startsWith("CFT_NO")) {
            return channel;
        }
        ObjectNode copy = object.deepCopy();
        copy.remove("retainedEvents");
        copy.remove("retainedBytes");
        copy.remove("firstRetainedSeq");
        copy.remove("lastSeq");
        return copy;
    }

    static JsonNode agreedList(JsonNode list) {
        if (!(list instanceof ArrayNode channels)) {
            return list;
        }
        ArrayNode agreed = channels.arrayNode();
        channels.forEach(channel -> agreed.add(agreedPart(channel)));
        return agreed;
    }

    /** A page of a channel's log without the field naming the replica that sent each delivery. */
    static JsonNode agreedPage(JsonNode page) {
        if (!(page instanceof ObjectNode object) || !(object.get("events") instanceof ArrayNode events)) {
            return page;
        }
        ObjectNode copy = object.deepCopy();
        ArrayNode agreed = copy.putArray("events");
        events.forEach(event -> {
            if (event instanceof ObjectNode delivery) {
                ObjectNode withoutReplica = delivery.deepCopy();
                withoutReplica.remove("replica");
                agreed.add(withoutReplica);
            } else {
                agreed.add(event);
            }
        });
        return copy;
    }
}
