package fitmon.client.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of the gateway that, for the first {@code drops} connections, passes the
 * request on but never the answer: as soon as the gateway starts answering (so it has handled the
 * request) both sides are closed. The caller sees a connection lost before any answer, which is
 * what a network fault after the gateway's commit looks like.
 */
final class AnswerDroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicInteger dropsLeft;
    private final AtomicInteger dropped = new AtomicInteger();

    AnswerDroppingProxy(String targetHost, int targetPort, int drops) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.dropsLeft = new AtomicInteger(drops);
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How many answers were dropped so far. */
    int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                boolean drop = dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                start(() -> pump(client, upstream, false));
                start(() -> pump(upstream, client, drop));
            } catch (IOException e) {
                // closed, or the gateway is gone: the client sees the failure itself
            }
        }
    }

    private void pump(Socket from, Socket to, boolean dropAnswer) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (dropAnswer) {
                    dropped.incrementAndGet();
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
