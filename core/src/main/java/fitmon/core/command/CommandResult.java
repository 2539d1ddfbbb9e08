package fitmon.core.command;

import java.util.List;

/**
 * A replica's reply to one command. Encoded identically by every correct replica, so a client can
 * compare replies byte for byte.
 */
public sealed interface CommandResult {

    /** The command took effect. */
    record Accepted(String detail) implements CommandResult {
    }

    /** The command was refused and changed nothing. */
    record Rejected(RejectReason reason, String detail) implements CommandResult {
    }

    /** A publish: one outcome per event, in the order they were sent. */
    record Published(List<EventOutcome> outcomes) implements CommandResult {
        public Published {
            outcomes = List.copyOf(outcomes);
        }
    }
}
