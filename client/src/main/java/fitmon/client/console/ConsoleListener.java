package fitmon.client.console;

import fitmon.core.vote.Disagreement;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link ConsoleClient} reports. Calls come from the replicas' connection threads, one at a
 * time; implementations should return quickly.
 */
public interface ConsoleListener {

    /** A voted event, exactly once, in channel order for the ordered classes. */
    void onEvent(VotedEvent event);

    /** A replica sent a copy different from the voted one, or two different copies. */
    default void onDisagreement(Disagreement disagreement) {
    }

    /** A system message (channel removed, retention gap) as one replica sent it. */
    default void onSystem(int replica, JsonNode message) {
    }

    /** A replica connection changed: connected, subscribed, lost (with the reason), refused. */
    default void onReplicaStatus(int replica, String status, String detail) {
    }
}
