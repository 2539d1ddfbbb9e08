package fitmon.broker.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFormatException;
import fitmon.core.stomp.StompFrame;

/** A real WebSocket to a replica's {@code /ws}, speaking STOMP 1.2 as a console (or staying silent). */
final class StompSocket implements WebSocket.Listener, AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final BlockingQueue<StompFrame> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    static StompSocket open(HttpClient http, URI uri) throws Exception {
        StompSocket stomp = new StompSocket();
        stomp.socket = http.newWebSocketBuilder().subprotocols("v12.stomp").buildAsync(uri, stomp)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return stomp;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.addAll(StompCodec.decode(partial.toString()));
            } catch (StompFormatException e) {
                throw new AssertionError("the replica sent a malformed frame: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    void send(StompFrame frame) throws Exception {
        socket.sendText(StompCodec.encode(frame), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    StompFrame next() throws InterruptedException {
        StompFrame frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(frame).as("a frame within %s", WAIT).isNotNull();
        return frame;
    }

    /** The code of the ERROR frame that ends the session; frames before it are skipped. */
    String errorCode() throws InterruptedException {
        StompFrame frame = next();
        while (!"ERROR".equals(frame.command())) {
            frame = next();
        }
        return frame.header("fitmon-code");
    }

    void awaitClosed() throws Exception {
        closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
