package fitmon.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fitmon service (a broker replica, the registry, the gateway) running in its own JVM, started
 * from its built executable jar. Output goes to a log file; {@link #close()} stops the process.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final String jarProperty;
    private final int httpPort;
    private final List<String> arguments;
    private final Path logFile;
    private Process process;
    private boolean suspended;

    /**
     * @param name        names the log file ({@code name.log}) and error messages
     * @param jarProperty system property holding the path of the executable jar (set by the build)
     * @param arguments   Spring Boot command-line arguments besides {@code --server.port}
     */
    /** Set by {@link #kill()} and {@link #close()}, cleared by {@link #start()}. */
    private boolean stopRequested;

    public ServiceProcess(String name, String jarProperty, int httpPort, List<String> arguments, Path logDirectory) {
        this.name = name;
        this.jarProperty = jarProperty;
        this.httpPort = httpPort;
        this.arguments = List.copyOf(arguments);
        this.logFile = logDirectory.resolve(name + ".log");
    }

    /** Arguments of the form {@code -Dname=value} go to the JVM, all others to the application. */
    private static boolean isSystemProperty(String argument) {
        return argument.startsWith("-D");
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        stopRequested = false;
        String jar = System.getProperty(jarProperty);
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("system property " + jarProperty + " must name the built executable jar of "
                    + name + " (run through 'mvn verify'), got " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+ExitOnOutOfMemoryError"); // a crash the test sees, not a process that stopped working
        arguments.stream().filter(ServiceProcess::isSystemProperty).forEach(command::add);
        command.add("-jar");
        command.add(jar);
        command.add("--server.port=" + httpPort);
        arguments.stream().filter(a -> !isSystemProperty(a)).forEach(command::add);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** SIGKILL: no shutdown hook, no goodbye to the peers. */
    public synchronized void kill() throws InterruptedException {
        stopRequested = true;
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The operating system's id of the running process. */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    /**
     * SIGSTOP: the process keeps its sockets open and the kernel still accepts connections and
     * buffers data for it, but it neither reads nor answers until {@link #resume()}.
     */
    public synchronized void suspend() throws IOException, InterruptedException {
        signal("STOP");
        suspended = true;
    }

    /** SIGCONT after {@link #suspend()}. */
    public synchronized void resume() throws IOException, InterruptedException {
        signal("CONT");
        suspended = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + name + " failed");
        }
    }

    /** SIGTERM, then SIGKILL if it does not end in time. */
    @Override
    public synchronized void close() throws InterruptedException {
        stopRequested = true;
        if (suspended && process != null && process.isAlive()) {
            try {
                resume();
            } catch (IOException e) {
                process.destroyForcibly();
            }
        }
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Started, then ended without {@link #kill()} or {@link #close()}: it stopped by itself. */
    public synchronized boolean endedByItself() {
        return process != null && !process.isAlive() && !stopRequested;
    }

    /** The exit code of a process that ended, else -1. */
    public synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public Path logFile() {
        return logFile;
    }
}
