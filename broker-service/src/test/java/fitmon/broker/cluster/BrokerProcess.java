package fitmon.broker.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One broker-service replica running in its own JVM, started from the built executable jar. */
final class BrokerProcess implements AutoCloseable {

    private final int replicaId;
    private final int httpPort;
    private final List<String> arguments;
    private final Path logFile;
    private Process process;

    BrokerProcess(int replicaId, int httpPort, List<String> arguments, Path logDirectory) {
        this.replicaId = replicaId;
        this.httpPort = httpPort;
        this.arguments = List.copyOf(arguments);
        this.logFile = logDirectory.resolve("replica-" + replicaId + ".log");
    }

    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("replica " + replicaId + " is already running");
        }
        String jar = System.getProperty("fitmon.broker.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("system property fitmon.broker.jar must name the built broker-service "
                    + "executable jar (run through 'mvn verify'), got " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(jar);
        command.add("--server.port=" + httpPort);
        command.add("--fitmon.broker.replica-id=" + replicaId);
        command.addAll(arguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** SIGKILL: no shutdown hook, no goodbye to the peers. */
    synchronized void kill() throws InterruptedException {
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

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    int replicaId() {
        return replicaId;
    }

    int httpPort() {
        return httpPort;
    }

    Path logFile() {
        return logFile;
    }
}
