package fitmon.broker.state;

import java.util.List;

import fitmon.core.channel.ChannelClass;

/**
 * What the state machine emits for delivery. Called synchronously while a command is applied, in
 * command order; implementations must return quickly and must not call back into the state machine.
 */
public interface StateListener {

    StateListener NONE = new StateListener() {
    };

    default void eventAppended(String tag, ChannelClass channelClass, LoggedEvent event) {
    }

    /** A channel is gone; {@code subscribers} were subscribed and get a system notification. */
    default void channelRemoved(String tag, RemovalCause cause, List<String> subscribers, long atMillis) {
    }
}
