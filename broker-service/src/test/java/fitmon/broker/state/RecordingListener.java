package fitmon.broker.state;

import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;

/** Records what a state machine emits, typed for assertions and as text lines for comparisons. */
final class RecordingListener implements StateListener {

    record Appended(String tag, ChannelClass channelClass, LoggedEvent event) {
    }

    record Removed(String tag, RemovalCause cause, List<String> subscribers, long atMillis) {
    }

    final List<Appended> appended = new ArrayList<>();
    final List<Removed> removed = new ArrayList<>();
    /** Every call in order, as text, so two machines' emissions compare with equals. */
    final List<String> lines = new ArrayList<>();

    @Override
    public void eventAppended(String tag, ChannelClass channelClass, LoggedEvent event) {
        appended.add(new Appended(tag, channelClass, event));
        lines.add("append " + tag + " " + channelClass + " #" + event.channelSeq() + " @" + event.orderedAtMillis() + " "
                + event.probeId() + "/" + event.seq() + " " + event.envelopeJson());
    }

    @Override
    public void channelRemoved(String tag, RemovalCause cause, List<String> subscribers, long atMillis) {
        removed.add(new Removed(tag, cause, List.copyOf(subscribers), atMillis));
        lines.add("removed " + tag + " " + cause + " " + subscribers + " @" + atMillis);
    }

    List<Removed> removed(RemovalCause cause) {
        return removed.stream().filter(r -> r.cause() == cause).toList();
    }
}
