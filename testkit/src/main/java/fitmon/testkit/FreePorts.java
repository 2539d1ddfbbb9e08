package fitmon.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback ports that are free right now and never twice in one JVM. Replica ports come
 * in pairs (clients use p, replicas p+1), so {@link #pair()} checks both.
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int single() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = probe(0);
            if (port > 0 && GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    /** A port p such that p and p+1 are both free. */
    public static synchronized int pair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = probe(0);
            if (port > 0 && port < 65534 && !GIVEN.contains(port) && !GIVEN.contains(port + 1) && probe(port + 1) == port + 1) {
                GIVEN.add(port);
                GIVEN.add(port + 1);
                return port;
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static int probe(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }
}
