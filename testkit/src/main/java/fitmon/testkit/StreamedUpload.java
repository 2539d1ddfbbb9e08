package fitmon.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 upload over a plain socket, for body-limit tests: the body is streamed in chunks
 * (no Content-Length) or announced with a Content-Length, by a writer thread, while the caller
 * waits for the server's answer. Whether the writer had finished when the answer came tells
 * whether the server waited for (and so could have buffered) the whole body.
 */
public final class StreamedUpload {

    /**
     * The server's answer.
     *
     * @param status        status code
     * @param headers       header names in lower case
     * @param body          the response body
     * @param bodyCompleted whether the whole request body had been written when the answer was read
     * @param bytesWritten  request body bytes written by then
     */
    public record Answer(int status, Map<String, String> headers, String body, boolean bodyCompleted, long bytesWritten) {
    }

    private static final int CHUNK = 16 * 1024;

    private StreamedUpload() {
    }

    /** Streams {@code total} bytes ('x') as a chunked body. */
    public static Answer chunked(int port, String method, String path, Map<String, String> headers, long total)
            throws IOException, InterruptedException {
        return send(port, method, path, headers, total, true, total, new byte[0]);
    }

    /**
     * Streams {@code prefix} then 'x' bytes, {@code total} in all, as a chunked body: with a prefix
     * such as {@code {"name":"} a JSON parser keeps reading one long string instead of stopping
     * at the first byte.
     */
    public static Answer chunked(int port, String method, String path, Map<String, String> headers, byte[] prefix,
                                 long total) throws IOException, InterruptedException {
        return send(port, method, path, headers, total, true, total, prefix);
    }

    /**
     * Announces {@code declared} bytes with Content-Length and sends only {@code sent} of them:
     * an answer at all proves the server did not wait for the body.
     */
    public static Answer declared(int port, String method, String path, Map<String, String> headers, long declared,
                                  long sent) throws IOException, InterruptedException {
        return send(port, method, path, headers, declared, false, sent, new byte[0]);
    }

    private static Answer send(int port, String method, String path, Map<String, String> headers, long total,
                               boolean chunked, long toSend, byte[] prefix) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000); // only a guard against a server that never answers
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + total + "\r\n").append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();

            AtomicLong written = new AtomicLong();
            AtomicBoolean completed = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] data = new byte[CHUNK];
                Arrays.fill(data, (byte) 'x');
                byte[] chunkHead = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    if (prefix.length > 0) {
                        out.write((Integer.toHexString(prefix.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(prefix);
                        out.write('\r');
                        out.write('\n');
                        written.addAndGet(prefix.length);
                    }
                    while (written.get() + CHUNK <= toSend) {
                        if (chunked) {
                            out.write(chunkHead);
                        }
                        out.write(data);
                        if (chunked) {
                            out.write('\r');
                            out.write('\n');
                        }
                        written.addAndGet(CHUNK);
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                    completed.set(written.get() == total);
                } catch (IOException e) {
                    // the server closed the connection: it wants no more
                }
            }, "streamed-upload");
            writer.setDaemon(true);
            writer.start();

            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            boolean doneWhenAnswered = completed.get();
            long writtenWhenAnswered = written.get();
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                responseHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String body = "";
            if (responseHeaders.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(responseHeaders.get("content-length"))),
                        StandardCharsets.UTF_8);
            } else if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
                ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                    chunks.write(in.readNBytes(size));
                    line(in);
                }
                body = chunks.toString(StandardCharsets.UTF_8);
            }
            socket.close();
            writer.join(10_000);
            return new Answer(Integer.parseInt(statusLine.split(" ")[1]), responseHeaders, body, doneWhenAnswered,
                    writtenWhenAnswered);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before a full response line: '" + line + "'");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
