package fitmon.replication.bftsmart;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replica's send queue to one peer, bounded in bytes as well as in messages. The library bounds
 * it by count only (1000 messages); a peer that stops reading then holds up to 1000 proposals, each
 * a whole batch of requests, in the sender's memory. Past {@link #limitBytes} a message is
 * refused, as the library refuses one when the count is reached: the library logs and drops it,
 * and the peer, once it reads again, catches up by state transfer. Each refusal is counted.
 *
 * <p>Only the methods the library's connection uses keep the byte count: {@code offer}, the
 * timed {@code poll} of its sender thread and {@code clear} on reconnect; the rest are covered
 * for safety.
 */
final class ByteBoundedSendQueue extends LinkedBlockingQueue<byte[]> {

    private final long limitBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong dropped;

    /**
     * @param capacity   messages, as the library configured its queue
     * @param limitBytes bytes held at most; a single message larger than this is still taken
     *                   into an empty queue, so that no message is unsendable
     * @param dropped    counts refused messages (shared by the queues of one replica)
     */
    ByteBoundedSendQueue(int capacity, long limitBytes, AtomicLong dropped) {
        super(capacity);
        this.limitBytes = limitBytes;
        this.dropped = dropped;
    }

    @Override
    public boolean offer(byte[] message) {
        long size = message.length;
        long total = bytes.addAndGet(size);
        if (total > limitBytes && total > size) {
            bytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        if (!super.offer(message)) {
            bytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    public byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
        return taken(super.poll(timeout, unit));
    }

    @Override
    public byte[] poll() {
        return taken(super.poll());
    }

    @Override
    public byte[] take() throws InterruptedException {
        return taken(super.take());
    }

    @Override
    public void clear() {
        drainTo(new ArrayList<>());
    }

    @Override
    public int drainTo(Collection<? super byte[]> sink, int maxElements) {
        List<byte[]> drained = new ArrayList<>();
        int count = super.drainTo(drained, maxElements);
        drained.forEach(this::taken);
        sink.addAll(drained);
        return count;
    }

    @Override
    public int drainTo(Collection<? super byte[]> sink) {
        return drainTo(sink, Integer.MAX_VALUE);
    }

    private byte[] taken(byte[] message) {
        if (message != null) {
            bytes.addAndGet(-message.length);
        }
        return message;
    }

    /** Bytes queued now. */
    long bytes() {
        return bytes.get();
    }
}
