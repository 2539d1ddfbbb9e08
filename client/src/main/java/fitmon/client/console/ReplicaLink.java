package fitmon.client.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import fitmon.core.stomp.StompCodec;
import fitmon.core.stomp.StompFormatException;
import fitmon.core.stomp.StompFrame;

/**
 * The STOMP session with one replica: connects, subscribes the console's channels (each from where
 * the console needs it), hands every MESSAGE to the client and reconnects with backoff whenever
 * the session ends.
 */
final class ReplicaLink implements WebSocket.Listener {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    final int replica;
    private final URI url;
    private final ConsoleClient client;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final StringBuilder partial = new StringBuilder();
    private final Set<String> subscribed = new HashSet<>();
    private WebSocket socket;
    private boolean connected;
    private volatile boolean closed;
    private int failures;

    ReplicaLink(int replica, URI url, ConsoleClient client, HttpClient http, ScheduledExecutorService scheduler) {
        this.replica = replica;
        this.url = url;
        this.client = client;
        this.http = http;
        this.scheduler = scheduler;
    }

    void connect() {
        if (closed) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(url, this)
                .whenComplete((webSocket, failure) -> {
                    if (failure != null) {
                        lost("cannot connect to " + url + ": " + rootMessage(failure));
                        return;
                    }
                    String token;
                    try {
                        token = client.token();
                    } catch (RuntimeException e) {
                        webSocket.abort();
                        lost("no console token: " + e.getMessage());
                        return;
                    }
                    synchronized (this) {
                        socket = webSocket;
                    }
                    send(StompFrame.of("CONNECT").header("accept-version", "1.2").header("host", url.getHost())
                            .header("token", token).build());
                });
    }

    /** Subscribes a channel now if the session is up; otherwise it is subscribed on connect. */
    synchronized void subscribe(String tag) {
        if (connected && subscribed.add(tag)) {
            Long fromSeq = client.resumePoint(tag, replica);
            send(StompFrame.of("SUBSCRIBE").header("id", tag).header("destination", "/topic/channels/" + tag)
                    .header("from-seq", fromSeq).build());
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                for (StompFrame frame : StompCodec.decode(text)) {
                    handle(frame);
                }
            } catch (StompFormatException e) {
                client.status(replica, "protocol-error", "unreadable frame: " + e.getMessage());
                webSocket.abort();
            }
        }
        webSocket.request(1);
        return null;
    }

    private void handle(StompFrame frame) {
        switch (frame.command()) {
            case "CONNECTED" -> {
                failures = 0;
                List<String> tags;
                synchronized (this) {
                    connected = true;
                    subscribed.clear();
                }
                client.status(replica, "connected", url.toString());
                tags = client.tags();
                tags.forEach(this::subscribe);
            }
            case "MESSAGE" -> client.message(replica, frame);
            case "ERROR" -> client.status(replica, "refused",
                    frame.header("message") + (frame.body().isEmpty() ? "" : " " + frame.body()));
            default -> {
                // RECEIPT and anything newer: nothing to do
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lost("closed (" + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lost(rootMessage(error));
    }

    private void lost(String why) {
        synchronized (this) {
            connected = false;
            socket = null;
        }
        if (closed) {
            return;
        }
        client.status(replica, "lost", why);
        long delay = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures++, 6));
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void send(StompFrame frame) {
        WebSocket target;
        synchronized (this) {
            target = socket;
        }
        if (target == null) {
            return;
        }
        try {
            // one frame at a time: java.net.http.WebSocket refuses overlapping sends
            synchronized (target) {
                target.sendText(StompCodec.encode(frame), true).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            target.abort();
        }
    }

    void close() {
        closed = true;
        WebSocket target;
        synchronized (this) {
            target = socket;
            socket = null;
        }
        if (target != null) {
            try {
                synchronized (target) {
                    target.sendText(StompCodec.encode(StompFrame.of("DISCONNECT").build()), true).get(2, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // closing anyway
            }
            target.abort();
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
