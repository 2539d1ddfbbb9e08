package fitmon.broker.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.MalformedEventException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a compromised replica might do to the events it delivers: change the data and keep the
 * probe's signature. Test-only (fault injection); consoles must out-vote and name it.
 */
final class EventAlteration {

    private EventAlteration() {
    }

    /** The envelope with every numeric data field incremented (or an {@code altered} field added). */
    static String alter(byte[] envelope) {
        Event event;
        try {
            event = EventJson.parse(envelope);
        } catch (MalformedEventException e) {
            return new String(envelope, StandardCharsets.UTF_8);
        }
        ObjectNode data = (ObjectNode) event.data().deepCopy();
        List<String> numeric = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            if (field.getValue().isNumber()) {
                numeric.add(field.getKey());
            }
        }
        for (String name : numeric) {
            data.put(name, data.get(name).asDouble() + 1);
        }
        if (numeric.isEmpty()) {
            data.put("altered", true);
        }
        Event altered = new Event(event.probeId(), event.tag(), event.seq(), event.ts(), data, event.sig());
        return new String(CanonicalJson.envelopeBytes(altered), StandardCharsets.UTF_8);
    }
}
