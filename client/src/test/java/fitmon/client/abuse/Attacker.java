package fitmon.client.abuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An outsider on raw sockets from its own loopback address ({@value #ADDRESS}), so the services'
 * per-address limits see it apart from the legitimate clients on 127.0.0.1. Speaks just enough
 * HTTP/1.1 and WebSocket to attack: no client library smooths anything over.
 */
final class Attacker {

    static final String ADDRESS = "127.0.0.66";

    /** What a service answered: its status (0 when it closed without one) and how much the attacker got out. */
    record Answer(int status, String head, String body, long bytesSent) {
    }

    private Attacker() {
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(ADDRESS, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** One request with a body given whole, read to the end of the answer. */
    static Answer request(int port, String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket socket = connect(port)) {
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream(), body == null ? 0 : body.length);
        }
    }

    /**
     * A chunked upload of up to {@code total} bytes in 64 KiB chunks, as fast as the service reads
     * them; stops when the service answers or closes. Without a limit, every byte would be read.
     */
    static Answer chunkedUpload(int port, String path, Map<String, String> headers, long total) throws IOException {
        try (Socket socket = connect(port)) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '[';
            byte[] chunkHead = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            long sent = 0;
            InputStream in = socket.getInputStream();
            try {
                while (sent < total) {
                    if (in.available() > 0) {
                        break; // the service has answered
                    }
                    out.write(chunkHead);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    sent += chunk.length;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedByService) {
                // what a limit looks like from outside: the service stopped reading and closed
            }
            try {
                return read(in, sent);
            } catch (IOException e) {
                return new Answer(0, "", "", sent);
            }
        }
    }

    /** Opens a WebSocket to {@code /ws} and never says a word: the socket, to be held open. */
    static Socket silentWebSocket(int port) throws IOException {
        Socket socket = connect(port);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String upgrade = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The status line and headers of an answer, then its body up to 64 KiB (or the end of the stream). */
    private static Answer read(InputStream in, long bytesSent) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while (received.size() < 64 * 1024 && (n = in.read(buffer)) > 0) {
            received.write(buffer, 0, n);
        }
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        int status = 0;
        if (head.startsWith("HTTP/1.1 ") && head.length() >= 12) {
            status = Integer.parseInt(head.substring(9, 12));
        }
        return new Answer(status, head, body, bytesSent);
    }
}
