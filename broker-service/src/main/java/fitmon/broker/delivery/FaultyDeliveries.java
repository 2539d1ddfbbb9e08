package fitmon.broker.delivery;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import fitmon.broker.lab.LabSetting;
import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.Misbehaviour;
import fitmon.broker.state.LoggedEvent;
import fitmon.core.channel.ChannelClass;

/**
 * How a replica in lab mode misdelivers events to consoles, per {@link Misbehaviour}: what
 * consoles must out-vote. Only consulted while the replica is told to misbehave; an honest
 * replica's deliveries never come through here.
 */
final class FaultyDeliveries {

    private final int replicaId;
    private final LabSwitches switches;
    private final ScheduledExecutorService timers;
    /** The envelope last appended per channel, for {@link Misbehaviour#REPLAY}; lab mode only. */
    private final Map<String, String> previousEnvelope = new ConcurrentHashMap<>();

    FaultyDeliveries(int replicaId, LabSwitches switches, ScheduledExecutorService timers) {
        this.replicaId = replicaId;
        this.switches = switches;
        this.timers = timers;
    }

    boolean honest() {
        return switches.is(Misbehaviour.HONEST);
    }

    /** Remembers the channel's latest event, which {@link Misbehaviour#REPLAY} sends again later. */
    void appended(String tag, LoggedEvent event) {
        if (switches.labMode()) {
            previousEnvelope.put(tag, event.envelopeJson());
        }
    }

    /** The body a subscription gets for an event (live or from the retained log). */
    String body(ChannelSubscription subscription, LoggedEvent event, String previous) {
        LabSetting setting = switches.current();
        boolean alter = setting.is(Misbehaviour.ALTER)
                || (setting.is(Misbehaviour.EQUIVOCATE) && subscription.session.ordinal % 2 == 1);
        String eventJson = event.envelopeJson();
        if (alter) {
            eventJson = EventAlteration.alter(event.envelope());
        } else if (setting.is(Misbehaviour.REPLAY) && previous != null) {
            eventJson = previous;
        }
        return DeliveryJson.delivery(replicaId, subscription.tag, subscription.channelClass, event, eventJson);
    }

    /** Delivers a live event to the subscriptions that are due for it, misbehaving as told. */
    void deliver(String tag, ChannelClass channelClass, LoggedEvent event, Set<ChannelSubscription> subscriptions) {
        LabSetting setting = switches.current();
        String previous = previousEnvelope.get(tag);
        for (ChannelSubscription subscription : subscriptions) {
            if (!subscription.live || subscription.ended || event.channelSeq() < subscription.nextSeq) {
                continue;
            }
            subscription.nextSeq = event.channelSeq() + 1;
            String body = body(subscription, event, previous);
            switch (setting.mode()) {
                case DROP -> {
                    // nothing: the session stays open and silent
                }
                case DELAY -> timers.schedule(() -> subscription.session.enqueueDelivery(subscription,
                        event.channelSeq(), body), setting.delay().toMillis(), TimeUnit.MILLISECONDS);
                case REORDER -> {
                    if (subscription.held == null) {
                        subscription.held = new HeldDelivery(event.channelSeq(), body);
                    } else {
                        HeldDelivery earlier = subscription.held;
                        subscription.held = null;
                        subscription.session.enqueueDelivery(subscription, event.channelSeq(), body);
                        subscription.session.enqueueDelivery(subscription, earlier.channelSeq(), earlier.body());
                    }
                }
                default -> subscription.session.enqueueDelivery(subscription, event.channelSeq(), body);
            }
        }
        appended(tag, event);
    }

    /** A delivery a reordering replica holds back until the next one has gone out. */
    record HeldDelivery(long channelSeq, String body) {
    }
}
