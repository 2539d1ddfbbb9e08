package fitmon.client.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One service of the local suite: a JVM with its output appended to a log file, started, watched,
 * signalled, stopped and started again with a command made afresh each time (the same arguments,
 * except what must change between runs, such as the gateway's client ids).
 */
final class ChildProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    private final Supplier<List<String>> command;
    final Path log;
    /** Answers 200 once the service is up; empty for a service without HTTP (the demo probe). */
    final Optional<String> readyUrl;
    private Process process;
    private boolean paused;
    /** Why the current run was ended from here (null: it was not), so that its exit is not taken for a failure. */
    private String endedBy;
    private boolean exitReported;

    ChildProcess(String name, Supplier<List<String>> command, Path log, Optional<String> readyUrl) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.readyUrl = readyUrl;
    }

    ChildProcess(String name, List<String> command, Path log) {
        this(name, () -> command, log, Optional.empty());
    }

    synchronized void start() throws IOException {
        if (alive()) {
            throw new IllegalStateException(name + " is running");
        }
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(command.get()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        paused = false;
        endedBy = null;
        exitReported = false;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    synchronized boolean paused() {
        return paused && alive();
    }

    /** Exit code of the last run; empty while it runs or before the first start. */
    synchronized Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    synchronized Optional<String> endedBy() {
        return Optional.ofNullable(endedBy);
    }

    /**
     * True once for each run that has ended: the watcher reports every exit exactly once, those it
     * was told about included.
     */
    synchronized boolean takeExit() {
        if (process == null || process.isAlive() || exitReported) {
            return false;
        }
        exitReported = true;
        return true;
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    synchronized void kill(String by) throws InterruptedException {
        endedBy = by;
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, its threads and sockets freeze. */
    synchronized void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    synchronized void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes()).trim());
        }
    }

    /** Waits until the ready URL answers 200; fails early when the process exits. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        if (readyUrl.isPresent()) {
            awaitHttp(readyUrl.get(), timeout);
        }
    }

    /** Waits until {@code url} answers 200; fails early when the process exits. */
    void awaitHttp(String url, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            Optional<Integer> exit = exitCode();
            if (exit.isPresent()) {
                throw new IOException(name + " exited with code " + exit.get() + " while starting; see " + log
                        + "\n" + tail(25));
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(500);
        }
        throw new IOException(name + " not ready after " + timeout.toSeconds() + " s (" + url + ": " + last + "); see "
                + log + "\n" + tail(25));
    }

    /** SIGTERM, so the service shuts down cleanly (SIGCONT first if paused); SIGKILL after {@code grace}. */
    void stop(String by, Duration grace) throws IOException, InterruptedException {
        Process running;
        synchronized (this) {
            if (!alive()) {
                return;
            }
            endedBy = by;
            running = process;
            if (paused) {
                resume();
            }
            running.destroy();
        }
        if (!running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The last {@code lines} lines of the log. */
    String tail(int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
