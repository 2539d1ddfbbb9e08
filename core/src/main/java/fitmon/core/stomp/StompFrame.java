package fitmon.core.stomp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One STOMP 1.2 frame. Bodies are text (fitmon only sends JSON and plain text); headers keep
 * their order, and for a repeated header the first occurrence wins, as the specification says.
 */
public record StompFrame(String command, Map<String, String> headers, String body) {

    public StompFrame {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("a frame needs a command");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? "" : body;
    }

    public static Builder of(String command) {
        return new Builder(command);
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** Builds a frame header by header. */
    public static final class Builder {
        private final String command;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body = "";

        private Builder(String command) {
            this.command = command;
        }

        /** Adds a header unless {@code value} is null; the first value of a name stays. */
        public Builder header(String name, Object value) {
            if (value != null) {
                headers.putIfAbsent(name, value.toString());
            }
            return this;
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        public StompFrame build() {
            return new StompFrame(command, headers, body);
        }
    }
}
