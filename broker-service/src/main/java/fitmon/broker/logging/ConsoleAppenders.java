package fitmon.broker.logging;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Iterator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Points logback's console appenders at fixed streams instead of whatever System.out is at the time. */
final class ConsoleAppenders {

    private ConsoleAppenders() {
    }

    static void writeTo(PrintStream out, PrintStream err) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                    boolean toErr = "System.err".equals(console.getTarget());
                    console.setOutputStream(unclosable(toErr ? err : out));
                }
            }
        }
    }

    /** The appender closes its previous stream when given a new one; the process streams stay open. */
    private static OutputStream unclosable(PrintStream stream) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                stream.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                stream.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                stream.flush();
            }
        };
    }
}
