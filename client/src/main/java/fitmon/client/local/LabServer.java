package fitmon.client.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The control endpoint of a running local suite: HTTP on 127.0.0.1 (never another interface) on a
 * port the system picks, {@code POST /lab/VERB} with the service's name as body and
 * {@code Authorization: Bearer TOKEN}; the port and token are in the data directory's
 * {@link LabEndpoint} file. Requests run one at a time, so two lab commands never act on the same
 * service at once.
 */
final class LabServer implements AutoCloseable {

    private static final int MAX_BODY = 256;

    private final Lab lab;
    private final Path data;
    private final HttpServer server;
    private final ExecutorService executor;
    private final LabEndpoint endpoint;

    private LabServer(Lab lab, Path data, HttpServer server, ExecutorService executor, LabEndpoint endpoint) {
        this.lab = lab;
        this.data = data;
        this.server = server;
        this.executor = executor;
        this.endpoint = endpoint;
    }

    /** Binds on 127.0.0.1, writes the endpoint file and serves until closed. */
    static LabServer start(Lab lab, Path data) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fitmon-lab");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        LabEndpoint endpoint = new LabEndpoint(server.getAddress().getPort(), LabEndpoint.newToken(),
                ProcessHandle.current().pid());
        LabServer labServer = new LabServer(lab, data, server, executor, endpoint);
        server.createContext("/lab/", labServer::handle);
        server.start();
        endpoint.write(data);
        return labServer;
    }

    int port() {
        return endpoint.port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, new LabAnswer(401, "wrong or missing token: read it from "
                        + LabEndpoint.file(data)));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, new LabAnswer(405, "POST only"));
                return;
            }
            String verb = exchange.getRequestURI().getPath().substring("/lab/".length());
            String target = readBody(exchange.getRequestBody());
            answer(exchange, lab.run(verb, target));
        }
    }

    private boolean authorized(String header) {
        byte[] expected = ("Bearer " + endpoint.token()).getBytes(StandardCharsets.UTF_8);
        return header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8));
    }

    private static String readBody(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            return "";
        }
        return new String(bytes, StandardCharsets.UTF_8).trim();
    }

    private static void answer(HttpExchange exchange, LabAnswer answer) throws IOException {
        byte[] body = (answer.text() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops taking requests, waits for the one under way, and deletes the endpoint file. */
    @Override
    public void close() {
        endpoint.delete(data);
        server.stop(0);
        executor.shutdownNow();
        try {
            // a restart under way ends before the suite stops its services, so it starts nothing after
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
