package fitmon.broker.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An output stream that hands each completed line to a consumer. Bytes written while a line is
 * being handed over on the same thread (a console log appender writing to System.out) go to the
 * original stream, so logging through it cannot loop.
 */
final class LineStream extends OutputStream {

    private static final ThreadLocal<Boolean> HANDING_OVER = ThreadLocal.withInitial(() -> false);
    private static final int MAX_BUFFERED = 64 * 1024;

    private final PrintStream original;
    private final Consumer<String> lines;
    private final ThreadLocal<ByteArrayOutputStream> buffer = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    LineStream(PrintStream original, Consumer<String> lines) {
        this.original = original;
        this.lines = lines;
    }

    @Override
    public void write(int b) {
        if (HANDING_OVER.get()) {
            original.write(b);
            return;
        }
        if (b == '\n') {
            flushLine();
        } else {
            ByteArrayOutputStream pending = buffer.get();
            pending.write(b);
            if (pending.size() >= MAX_BUFFERED) {
                flushLine();
            }
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (HANDING_OVER.get()) {
            original.write(bytes, offset, length);
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public void flush() {
        if (HANDING_OVER.get()) {
            original.flush();
        }
    }

    private void flushLine() {
        ByteArrayOutputStream pending = buffer.get();
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        HANDING_OVER.set(true);
        try {
            lines.accept(line);
        } catch (RuntimeException e) {
            original.println(line);
        } finally {
            HANDING_OVER.set(false);
        }
    }
}
