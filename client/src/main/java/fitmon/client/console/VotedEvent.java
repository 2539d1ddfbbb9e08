package fitmon.client.console;

import java.time.Instant;
import java.util.Set;

import fitmon.core.channel.ChannelClass;
import fitmon.core.event.Event;

/**
 * One event as the console shows it: released by the vote, delivered once, in channel order.
 *
 * @param channelSeq the agreed sequence (ordered classes) or the first sending replica's own
 *                   arrival number (unordered classes)
 * @param votes      replicas whose copy was identical when it was released
 * @param n          replicas in the group
 * @param agreeing   the ids of those replicas
 * @param eventJson  the canonical envelope
 */
public record VotedEvent(String tag, ChannelClass channelClass, long channelSeq, Instant orderedAt, Event event,
                         String eventJson, int votes, int n, Set<Integer> agreeing, SignatureStatus signature) {
}
