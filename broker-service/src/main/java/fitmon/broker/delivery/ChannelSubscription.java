package fitmon.broker.delivery;

import fitmon.core.channel.ChannelClass;

/**
 * One STOMP subscription to one channel. {@code nextSeq} and {@code live} change only under the
 * broker's lock (appends hold the write lock; subscribing and catch-up reads a read lock), which
 * is what makes the switch from replay to live delivery free of gaps and duplicates.
 */
final class ChannelSubscription {

    final ConsoleSession session;
    final String id;
    final String tag;
    final ChannelClass channelClass;

    /** The next channel sequence to deliver. */
    long nextSeq;
    /** False while the retained log is being replayed; live events are then left to the replay. */
    volatile boolean live;

    /** The last sequence handed to the socket, for resuming after a cut-off. */
    volatile long lastSentSeq;
    volatile boolean ended;
    /** Lab mode, {@code reorder}: the delivery held back until the next one is sent; state machine thread only. */
    FaultyDeliveries.HeldDelivery held;

    ChannelSubscription(ConsoleSession session, String id, String tag, ChannelClass channelClass) {
        this.session = session;
        this.id = id;
        this.tag = tag;
        this.channelClass = channelClass;
    }

    boolean urgent() {
        return channelClass == ChannelClass.CFT_NO_U;
    }
}
