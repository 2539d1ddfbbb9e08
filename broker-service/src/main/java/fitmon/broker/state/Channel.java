package fitmon.broker.state;

import java.util.TreeMap;

import fitmon.core.command.CreateChannel;

/**
 * One channel's replicated state. Sorted maps only, so every traversal (snapshot, digest, views)
 * is in the same order on every replica.
 */
final class Channel {

    final CreateChannel spec;
    final long createdAtMillis;
    long lastActivityMillis;
    long lastChannelSeq;
    final TreeMap<String, ProbeRegistration> probes = new TreeMap<>();
    final TreeMap<String, SubscriptionStatus> subscribers = new TreeMap<>();
    final ChannelLog log = new ChannelLog();

    Channel(CreateChannel spec, long createdAtMillis) {
        this.spec = spec;
        this.createdAtMillis = createdAtMillis;
        this.lastActivityMillis = createdAtMillis;
    }

    String tag() {
        return spec.tag();
    }

    /** Consensus time after which the channel expires, or -1 if it never does. */
    long deadlineMillis() {
        long timeout = spec.idleTimeoutSeconds();
        return timeout == 0 ? -1 : lastActivityMillis + timeout * 1000;
    }

    void append(LoggedEvent event) {
        log.append(event, spec.retention().maxEvents(), spec.retention().maxBytes());
    }
}
