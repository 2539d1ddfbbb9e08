package fitmon.broker.delivery;

import java.util.ArrayDeque;

/**
 * A session's frames waiting for its socket, in three lanes: control frames (CONNECTED, RECEIPT,
 * ERROR) first, then urgent deliveries, then the rest. Both kinds are bounded: deliveries by
 * {@code maxQueued}, control frames by {@code maxQueuedControl}, save the session's last frame
 * (its ERROR or final RECEIPT), which always fits.
 */
final class SessionOutbox {

    /** One frame to send; after sending, the subscription's last sent sequence is {@code channelSeq}. */
    record Item(String frame, ChannelSubscription subscription, long channelSeq, boolean closeAfter) {

        static Item control(String frame, boolean closeAfter) {
            return new Item(frame, null, 0, closeAfter);
        }
    }

    private final ArrayDeque<Item> control = new ArrayDeque<>();
    private final ArrayDeque<Item> urgent = new ArrayDeque<>();
    private final ArrayDeque<Item> normal = new ArrayDeque<>();
    private final int maxQueued;
    private final int maxQueuedControl;

    SessionOutbox(int maxQueued, int maxQueuedControl) {
        this.maxQueued = maxQueued;
        this.maxQueuedControl = maxQueuedControl;
    }

    /** False when the deliveries already waiting reach the bound: the consumer is too slow. */
    synchronized boolean offerDelivery(Item item, boolean isUrgent) {
        if (urgent.size() + normal.size() >= maxQueued) {
            return false;
        }
        (isUrgent ? urgent : normal).add(item);
        return true;
    }

    /** False when the control frames already waiting reach the bound: the console does not read. */
    synchronized boolean offerControl(Item item) {
        if (control.size() >= maxQueuedControl) {
            return false;
        }
        control.add(item);
        return true;
    }

    /** The session's last frame: always queued, in place of the control frames waiting if they fill the lane. */
    synchronized void offerLast(Item item) {
        if (control.size() >= maxQueuedControl) {
            control.clear();
        }
        control.add(item);
    }

    synchronized Item poll() {
        Item item = control.poll();
        if (item == null) {
            item = urgent.poll();
        }
        return item != null ? item : normal.poll();
    }

    synchronized void dropDeliveries() {
        urgent.clear();
        normal.clear();
    }

    synchronized boolean isEmpty() {
        return control.isEmpty() && urgent.isEmpty() && normal.isEmpty();
    }

    synchronized int queuedDeliveries() {
        return urgent.size() + normal.size();
    }
}
