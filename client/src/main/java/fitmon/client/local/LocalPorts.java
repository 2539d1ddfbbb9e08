package fitmon.client.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The local suite's fixed ports, all moved by one offset so that two suites can run side by side:
 * console 8080, gateway 8081 (plain HTTP, loopback) and 8443 (HTTPS), registry 8070, replica i HTTP 8090+i, replica i BFT 11000+10i (its
 * peers talk to it on the next port).
 */
record LocalPorts(int offset, int replicas) {

    int console() {
        return 8080 + offset;
    }

    int gateway() {
        return 8081 + offset;
    }

    int gatewayHttps() {
        return 8443 + offset;
    }

    int registry() {
        return 8070 + offset;
    }

    int replicaHttp(int replica) {
        return 8090 + offset + replica;
    }

    int replicaBft(int replica) {
        return 11000 + offset + 10 * replica;
    }

    List<Integer> all() {
        List<Integer> ports = new ArrayList<>(List.of(console(), gateway(), gatewayHttps(), registry()));
        for (int i = 0; i < replicas; i++) {
            ports.add(replicaHttp(i));
            ports.add(replicaBft(i));
            ports.add(replicaBft(i) + 1);
        }
        return ports;
    }

    /** Ports something else already listens on. */
    List<Integer> busy() {
        List<Integer> busy = new ArrayList<>();
        for (int port : all()) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                busy.add(port);
            }
        }
        return busy;
    }
}
