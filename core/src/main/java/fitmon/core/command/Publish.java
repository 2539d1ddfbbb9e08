package fitmon.core.command;

import java.util.List;

/**
 * Publish(TAG, M): one event or a batch, each the envelope's JSON bytes exactly as the probe sent
 * them. Each event gets its own outcome; a refused one does not affect the others.
 */
public record Publish(String tag, List<byte[]> events) implements BrokerCommand {

    public Publish {
        events = List.copyOf(events);
    }
}
