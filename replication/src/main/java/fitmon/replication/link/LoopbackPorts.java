package fitmon.replication.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports for the library behind the relays. */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /**
     * Two consecutive free ports P and P+1: the library listens for clients on P (on loopback) and
     * for peers on P+1 (on every interface: it binds no address, which is why P+1 must not be
     * reachable from outside the host or pod; see the replication docs).
     */
    static int freePair() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = first.getLocalPort();
                if (port >= 65535) {
                    continue;
                }
                try (ServerSocket second = new ServerSocket(port + 1)) {
                    return port;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no two consecutive free ports found for the replication library", last);
    }
}
