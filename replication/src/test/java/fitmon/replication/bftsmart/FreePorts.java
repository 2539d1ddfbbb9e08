package fitmon.replication.bftsmart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free port pairs (p, p+1) on the loopback address: replicas listen on both. */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct base ports p such that p and p+1 were both free. */
    static List<Integer> pairs(int count) {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> bases = new ArrayList<>();
        try {
            for (int attempt = 0; bases.size() < count && attempt < 200; attempt++) {
                ServerSocket first = bind(0);
                ServerSocket second = first.getLocalPort() < 65535 ? tryBind(first.getLocalPort() + 1) : null;
                held.add(first);
                if (second != null) {
                    held.add(second);
                    bases.add(first.getLocalPort());
                }
            }
            if (bases.size() < count) {
                throw new IllegalStateException("could not find " + count + " free port pairs");
            }
            return bases;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerSocket tryBind(int port) {
        try {
            return bind(port);
        } catch (UncheckedIOException e) {
            return null;
        }
    }
}
