package fitmon.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out loopback ports that are free right now and never twice in one JVM. Replica ports come
 * in pairs (clients use p, replicas p+1), so {@link #pair()} checks both.
 *
 * <p>Ports come from below the kernel's ephemeral range: a test that stops a service and starts it
 * again on the same port would otherwise find it taken, now and then, as the local port of some
 * outgoing connection made meanwhile (a restarted replica failed to bind that way).
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();
    private static final int LOWEST = 10_000;
    private static final int BELOW_EPHEMERAL = ephemeralLow();
    private static final java.util.Random RANDOM = new java.util.Random();

    private FreePorts() {
    }

    public static synchronized int single() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = probe(candidate());
            if (port > 0 && GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    /** A port p such that p and p+1 are both free. */
    public static synchronized int pair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = probe(candidate());
            if (port > 0 && port < 65534 && !GIVEN.contains(port) && !GIVEN.contains(port + 1) && probe(port + 1) == port + 1) {
                GIVEN.add(port);
                GIVEN.add(port + 1);
                return port;
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    /** {@code count} distinct pairs, by their first port. */
    public static synchronized java.util.List<Integer> pairs(int count) {
        java.util.List<Integer> ports = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(pair());
        }
        return ports;
    }

    private static int candidate() {
        return LOWEST + RANDOM.nextInt(BELOW_EPHEMERAL - 1 - LOWEST);
    }

    /** The first port of the ephemeral range (Linux), or the IANA one elsewhere. */
    private static int ephemeralLow() {
        try {
            String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 49152;
        } catch (IOException | RuntimeException e) {
            return 49152;
        }
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
