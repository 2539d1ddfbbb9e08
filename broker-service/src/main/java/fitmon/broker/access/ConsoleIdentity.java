package fitmon.broker.access;

import java.time.Instant;
import java.util.List;

import fitmon.core.channel.TagPattern;

/** Who a console token names and which TAG patterns it may read, until when. */
public record ConsoleIdentity(String subject, List<String> subscribePatterns, Instant expiresAt) {

    public boolean maySubscribe(String tag) {
        return subscribePatterns.stream().anyMatch(pattern -> TagPattern.matches(pattern, tag));
    }
}
