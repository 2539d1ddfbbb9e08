package fitmon.broker.delivery;

import java.io.IOException;
import java.util.List;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/** The WebSocket at {@code /ws}: each connection becomes a {@link ConsoleSession}. */
final class StompEndpoint extends TextWebSocketHandler implements SubProtocolCapable {

    private static final String SESSION = ConsoleSession.class.getName();

    private final DeliveryHub hub;

    StompEndpoint(DeliveryHub hub) {
        this.hub = hub;
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of("v12.stomp");
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession webSocket) {
        webSocket.getAttributes().put(SESSION, hub.open(new WebSocketSink(webSocket)));
    }

    @Override
    protected void handleTextMessage(WebSocketSession webSocket, TextMessage message) {
        ConsoleSession session = (ConsoleSession) webSocket.getAttributes().get(SESSION);
        if (session != null) {
            session.receive(message.getPayload());
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession webSocket, CloseStatus status) {
        ConsoleSession session = (ConsoleSession) webSocket.getAttributes().get(SESSION);
        if (session != null) {
            session.closed();
        }
    }

    /** Frames to one WebSocket; blocking, called by the session's sender only. */
    private record WebSocketSink(WebSocketSession webSocket) implements FrameSink {

        @Override
        public void send(String frame) throws IOException {
            webSocket.sendMessage(new TextMessage(frame));
        }

        @Override
        public void close() {
            try {
                webSocket.close(CloseStatus.NORMAL);
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }

        @Override
        public String describe() {
            return String.valueOf(webSocket.getRemoteAddress());
        }
    }
}
