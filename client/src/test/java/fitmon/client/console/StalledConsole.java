package fitmon.client.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFrame;

/**
 * A console that subscribes and then never reads again: a plain socket speaking just enough
 * WebSocket (RFC 6455, masked client frames) with a tiny receive buffer.
 */
final class StalledConsole implements AutoCloseable {

    private final Socket socket = new Socket();
    private final SecureRandom random = new SecureRandom();

    StalledConsole(URI stompUrl, String token, String tag) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(stompUrl.getHost(), stompUrl.getPort()), 5000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + stompUrl.getPath() + " HTTP/1.1\r\nHost: " + stompUrl.getHost() + ":" + stompUrl.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String response = readUntil("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade refused: " + response);
        }
        send(StompFrame.of("CONNECT").header("accept-version", "1.2").header("token", token).build());
        readUntil("CONNECTED");
        send(StompFrame.of("SUBSCRIBE").header("id", "stalled").header("destination", "/topic/channels/" + tag)
                .header("receipt", "subscribed").build());
        readUntil("receipt-id:subscribed");
        // from here on nothing is read
    }

    private void send(StompFrame frame) throws IOException {
        byte[] payload = StompCodec.encode(frame).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(out.toByteArray());
        socket.getOutputStream().flush();
    }

    private String readUntil(String marker) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            if (seen.toString(StandardCharsets.ISO_8859_1).contains("fitmon-code:")
                    && seen.toString(StandardCharsets.ISO_8859_1).contains("\0")) {
                throw new IOException("the replica refused: " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before '" + marker + "': " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
