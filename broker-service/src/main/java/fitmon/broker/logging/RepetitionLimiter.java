package fitmon.broker.logging;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lets through at most {@code perWindow} lines of the same shape per window and counts the rest.
 * Two lines have the same shape when they differ only in numbers ("in queue full (message from 3
 * discarded)" and "... from 1 ..." are one shape). The clock is passed in, so tests need no sleep.
 */
final class RepetitionLimiter {

    /** What to do with one line. */
    record Decision(boolean emit, long suppressedBefore) {
    }

    private static final int MAX_SHAPE_LENGTH = 160;

    private final int perWindow;
    private final long windowMillis;
    private final Map<String, Window> windows;

    RepetitionLimiter(int perWindow, long windowMillis, int maxShapes) {
        if (perWindow < 1 || windowMillis < 1 || maxShapes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.perWindow = perWindow;
        this.windowMillis = windowMillis;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxShapes;
            }
        };
    }

    /**
     * @return whether to emit the line, and when it is the first emitted in a new window, how many
     * lines of its shape the previous window suppressed
     */
    synchronized Decision offer(String line, long nowMillis) {
        String shape = shape(line);
        Window window = windows.get(shape);
        if (window == null) {
            window = new Window(nowMillis);
            windows.put(shape, window);
        }
        if (nowMillis - window.start >= windowMillis) {
            window.carried += window.suppressed;
            window.suppressed = 0;
            window.used = 0;
            window.start = nowMillis;
        }
        if (window.used < perWindow) {
            window.used++;
            long carried = window.carried;
            window.carried = 0;
            return new Decision(true, carried);
        }
        window.suppressed++;
        return new Decision(false, 0);
    }

    static String shape(String line) {
        String shape = line.replaceAll("[0-9]+", "#");
        return shape.length() > MAX_SHAPE_LENGTH ? shape.substring(0, MAX_SHAPE_LENGTH) : shape;
    }

    private static final class Window {
        long start;
        int used;
        long suppressed;
        long carried;

        Window(long start) {
            this.start = start;
        }
    }
}
