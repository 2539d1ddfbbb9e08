package fitmon.broker.delivery;

import java.io.IOException;

/** Where a session's frames go: the WebSocket, or a recorder in tests. Only one thread sends at a time. */
interface FrameSink {

    void send(String frame) throws IOException;

    void close();

    /** For logs: who is on the other side. */
    String describe();
}
