package fitmon.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFormatException;
import fitmon.core.stomp.StompFrame;

/** A console's socket as the session sees it: records frames; can stall like a console that stops reading. */
final class RecordingSink implements FrameSink {

    private final BlockingQueue<StompFrame> frames = new LinkedBlockingQueue<>();
    private volatile CountDownLatch gate;
    volatile boolean closed;

    @Override
    public void send(String frame) {
        CountDownLatch current = gate;
        if (current != null) {
            try {
                current.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            frames.addAll(StompCodec.decode(frame));
        } catch (StompFormatException e) {
            throw new AssertionError("the session sent a malformed frame: " + frame, e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String describe() {
        return "test sink";
    }

    /** From now on every send blocks until {@link #resume()}. */
    void stall() {
        gate = new CountDownLatch(1);
    }

    void resume() {
        CountDownLatch current = gate;
        gate = null;
        if (current != null) {
            current.countDown();
        }
    }

    StompFrame next() throws InterruptedException {
        StompFrame frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as(() -> "a frame within 10 s; delivery threads: " + deliveryThreads()).isNotNull();
        return frame;
    }

    /** Where the senders are, to tell a stuck session from a slow machine when a frame does not come. */
    private static String deliveryThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("fitmon-delivery")) {
                out.append('\n').append(thread.getName()).append(' ').append(thread.getState());
                for (int i = 0; i < Math.min(stack.length, 8); i++) {
                    out.append("\n    at ").append(stack[i]);
                }
            }
        });
        return out.toString();
    }

    List<StompFrame> next(int count) throws InterruptedException {
        List<StompFrame> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(next());
        }
        return list;
    }

    void awaitClosed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!closed && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(closed).as("socket closed within 10 s").isTrue();
    }

    StompFrame poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }
}
