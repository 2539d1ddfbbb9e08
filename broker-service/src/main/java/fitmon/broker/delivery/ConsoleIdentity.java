package fitmon.broker.delivery;

import java.time.Instant;
import java.util.List;

import fitmon.core.channel.TagPattern;

/** Who a console token names and which TAG patterns it may subscribe to, until when. */
record ConsoleIdentity(String subject, List<String> subscribePatterns, Instant expiresAt) {

    boolean maySubscribe(String tag) {
        return subscribePatterns.stream().anyMatch(pattern -> TagPattern.matches(pattern, tag));
    }
}
