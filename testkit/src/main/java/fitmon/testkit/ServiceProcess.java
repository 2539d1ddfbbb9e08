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

    /**
     * @param name        names the log file ({@code name.log}) and error messages
     * @param jarProperty system property holding the path of the executable jar (set by the build)
     * @param arguments   Spring Boot command-line arguments besides {@code --server.port}
     */
    public ServiceProcess(String name, String jarProperty, int httpPort, List<String> arguments, Path logDirectory) {
        this.name = name;
        this.jarProperty = jarProperty;
        this.httpPort = httpPort;
        this.arguments = List.copyOf(arguments);
        this.logFile = logDirectory.resolve(name + ".log");
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
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
        command.add("-jar");
        command.add(jar);
        command.add("--server.port=" + httpPort);
        command.addAll(arguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** SIGKILL: no shutdown hook, no goodbye to the peers. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL if it does not end in time. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
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
