package fitmon.console.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import fitmon.testkit.FreePorts;
import fitmon.testkit.ServiceProcess;

/** The console-web application as a process of its own, started from its executable jar. */
final class ConsoleServer implements AutoCloseable {

    private final ServiceProcess process;

    private ConsoleServer(ServiceProcess process) {
        this.process = process;
    }

    static ConsoleServer start(String gatewayUrl, Path directory) throws Exception {
        Files.createDirectories(directory);
        ServiceProcess process = new ServiceProcess("console", "fitmon.console.jar", FreePorts.single(),
                List.of("--fitmon.console.gateway-url=" + gatewayUrl), directory);
        process.start();
        ConsoleServer server = new ConsoleServer(process);
        try {
            server.awaitUp(Duration.ofSeconds(120));
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitUp(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IllegalStateException("console exited during start; see " + process.logFile());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/index.html"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("console not up after " + timeout.toSeconds() + " s; see " + process.logFile());
    }

    String url() {
        return "http://127.0.0.1:" + process.httpPort();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
