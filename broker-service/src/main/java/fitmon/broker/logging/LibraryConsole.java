package fitmon.broker.logging;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the replication library prints with {@code System.out}/{@code System.err} to SLF4J
 * (loggers {@code bftsmart.console.out} and {@code bftsmart.console.err}), each line at most a few
 * times a minute per shape. Lines that report trouble (queues full, timeouts, leader change, bad
 * signatures, exceptions) are warnings; chatter is info; stack frames are debug, so a stack trace
 * costs one warning line by default. Console log appenders are pointed at the original streams
 * first: a library thread holds its print stream's lock while its line is logged, so an appender
 * writing through System.out from another thread would deadlock against it (and log its own lines
 * again).
 */
public final class LibraryConsole {

    static final int LINES_PER_WINDOW = 5;
    static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_LINE = 2000;
    private static final Pattern TROUBLE = Pattern.compile(
            "(?i)(queue full|discard|^timeout|\\btimeout for|\\bSTOP\\b|invalid|exception|error|impossible|fail|refused"
                    + "|violation|strange)");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more).*");

    private static boolean installed;

    private final Logger out;
    private final Logger err;
    private final RepetitionLimiter limiter;
    private final LongSupplier clock;

    LibraryConsole(Logger out, Logger err, RepetitionLimiter limiter, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** Replaces System.out and System.err for the whole process, once; call before the replica starts. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        LibraryConsole console = new LibraryConsole(LoggerFactory.getLogger("bftsmart.console.out"),
                LoggerFactory.getLogger("bftsmart.console.err"), new RepetitionLimiter(LINES_PER_WINDOW, WINDOW_MILLIS, 1000),
                System::currentTimeMillis);
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ConsoleAppenders.writeTo(originalOut, originalErr);
        System.setOut(new PrintStream(new LineStream(originalOut, line -> console.line(line, false)), true,
                StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new LineStream(originalErr, line -> console.line(line, true)), true,
                StandardCharsets.UTF_8));
        installed = true;
    }

    void line(String text, boolean fromErr) {
        if (text.isBlank()) {
            return;
        }
        Logger logger = fromErr ? err : out;
        if (STACK_FRAME.matcher(text).matches()) {
            logger.debug("{}", text);
            return;
        }
        boolean trouble = fromErr || TROUBLE.matcher(text).find();
        if (!(trouble ? logger.isWarnEnabled() : logger.isInfoEnabled())) {
            return;
        }
        RepetitionLimiter.Decision decision = limiter.offer(text, clock.getAsLong());
        if (!decision.emit()) {
            return;
        }
        String shown = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "… (" + text.length() + " chars)" : text;
        String note = decision.suppressedBefore() == 0 ? ""
                : " [" + decision.suppressedBefore() + " similar lines not logged before this one]";
        if (trouble) {
            logger.warn("{}{}", shown, note);
        } else {
            logger.info("{}{}", shown, note);
        }
    }
}
