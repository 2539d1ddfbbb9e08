package fitmon.broker.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LibraryConsoleTest {

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private Logger out;
    private Logger err;
    private LibraryConsole console;

    @BeforeEach
    void setUp() {
        events.setContext(context);
        events.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(events);
        root.setLevel(Level.INFO);
        out = context.getLogger("bftsmart.console.out");
        err = context.getLogger("bftsmart.console.err");
        console = new LibraryConsole(out, err, new RepetitionLimiter(3, 60_000, 100), now::get);
    }

    @Test
    void troubleIsAWarningChatterIsInfoAndStackFramesAreDebug() {
        console.line("-- Diffie-Hellman complete with 2", false);
        console.line("-- requestTimeout = 1000", false);
        console.line("(ReceiverThread.run) in queue full (message from 3 discarded).", false);
        console.line("java.net.ConnectException: Connection refused", true);
        console.line("\tat java.base/sun.nio.ch.Net.connect0(Native Method)", true);
        console.line("\t... 12 more", true);
        console.line("(SendStopTask.run) Re-transmitting STOP message to install regency 1", false);
        console.line("   ", false);

        assertThat(logged()).containsExactly(
                "INFO bftsmart.console.out -- Diffie-Hellman complete with 2",
                "INFO bftsmart.console.out -- requestTimeout = 1000",
                "WARN bftsmart.console.out (ReceiverThread.run) in queue full (message from 3 discarded).",
                "WARN bftsmart.console.err java.net.ConnectException: Connection refused",
                "WARN bftsmart.console.out (SendStopTask.run) Re-transmitting STOP message to install regency 1");
    }

    @Test
    void repetitiveLinesAreRateLimitedAndTheSuppressedCountIsReported() {
        for (int i = 0; i < 100; i++) {
            console.line("(ReceiverThread.run) in queue full (message from " + (i % 3) + " discarded).", false);
        }
        assertThat(events.list).hasSize(3);
        now.set(60_000);
        console.line("(ReceiverThread.run) in queue full (message from 1 discarded).", false);
        assertThat(events.list).hasSize(4);
        assertThat(events.list.get(3).getFormattedMessage()).endsWith("[97 similar lines not logged before this one]");
    }

    @Test
    void levelsSwitchedOffCostNoBudget() {
        out.setLevel(Level.WARN);
        for (int i = 0; i < 10; i++) {
            console.line("Session Created, active clients=" + i, false);
        }
        assertThat(events.list).isEmpty();
        out.setLevel(Level.INFO);
        console.line("Session Created, active clients=4", false);
        assertThat(logged()).containsExactly("INFO bftsmart.console.out Session Created, active clients=4");
    }

    @Test
    void veryLongLinesAreCut() {
        console.line("Timeout for messages: [" + "(2200,556,556,142474410), ".repeat(500) + "]", false);
        String message = events.list.get(0).getFormattedMessage();
        assertThat(message).hasSizeLessThan(2100).contains("chars)");
    }

    @Test
    void printedLinesReachTheConsoleThroughALineStream() {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        PrintStream originalStream = new PrintStream(original, true, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        PrintStream library = new PrintStream(new LineStream(originalStream, lines::add), true, StandardCharsets.UTF_8);
        library.println("Shutting down replica sockets");
        library.print("first half, ");
        library.print("second half\r\n");
        library.println(42);
        assertThat(lines).containsExactly("Shutting down replica sockets", "first half, second half", "42");
        assertThat(original.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void writesDuringAHandOverGoToTheOriginalStream() {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        PrintStream originalStream = new PrintStream(original, true, StandardCharsets.UTF_8);
        PrintStream[] library = new PrintStream[1];
        List<String> lines = new ArrayList<>();
        library[0] = new PrintStream(new LineStream(originalStream, line -> {
            lines.add(line);
            // what a console appender does while the line is handed over
            library[0].println("appender output for: " + line);
        }), true, StandardCharsets.UTF_8);
        library[0].println("from the library");
        assertThat(lines).containsExactly("from the library");
        assertThat(original.toString(StandardCharsets.UTF_8)).isEqualTo("appender output for: from the library"
                + System.lineSeparator());
    }

    private List<String> logged() {
        return events.list.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    }
}
