package fitmon.broker.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fitmon.broker.state.LoggedEvent;
import fitmon.broker.state.RemovalCause;
import fitmon.core.channel.ChannelClass;
import tools.jackson.databind.json.JsonMapper;

/** The JSON bodies of STOMP messages, in the shapes docs/delivery.md gives. */
final class DeliveryJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DeliveryJson() {
    }

    /**
     * One delivery, as the read API shows it too. Built by hand because it is built for every
     * event: TAGs need no escaping ({@code [A-Za-z0-9._:-]}) and the event is canonical JSON.
     */
    static String delivery(int replica, String tag, ChannelClass channelClass, LoggedEvent event, String eventJson) {
        return "{\"replica\":" + replica + ",\"tag\":\"" + tag + "\",\"channelSeq\":" + event.channelSeq()
                + ",\"class\":\"" + channelClass.name() + "\",\"orderedAt\":\""
                + Instant.ofEpochMilli(event.orderedAtMillis()) + "\",\"event\":" + eventJson + "}";
    }

    static String channelRemoved(int replica, String tag, RemovalCause cause, long atMillis) {
        return object("replica", replica, "type", "CHANNEL_REMOVED", "tag", tag, "cause", cause.name(),
                "at", Instant.ofEpochMilli(atMillis).toString());
    }

    static String retentionGap(int replica, String tag, long requestedSeq, long firstRetainedSeq) {
        return object("replica", replica, "type", "RETENTION_GAP", "tag", tag, "requestedSeq", requestedSeq,
                "firstRetainedSeq", firstRetainedSeq);
    }

    /** Where each subscription of a cut-off session should resume. */
    record Resume(String subscription, String tag, long nextSeq) {
    }

    static String error(DeliveryError code, String detail, List<Resume> resume) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code.name());
        body.put("detail", detail);
        if (!resume.isEmpty()) {
            body.put("resume", resume);
        }
        return JSON.writeValueAsString(body);
    }

    private static String object(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return JSON.writeValueAsString(body);
    }
}
