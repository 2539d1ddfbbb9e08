package fitmon.replication.link;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on one socket and gives each a thread of its own, so that no connection,
 * however slow or silent, holds up the next one (what the library's own accept loop does not
 * do). A connection is <em>pending</em> until its handler calls {@link Slot#established()}: at
 * most {@code maxPending} of those at once, and at most {@code maxPendingPerAddress} from one
 * address, so an outsider holding connections open cannot crowd out the replicas and gateways,
 * which connect from addresses of their own. Handlers bound how long a connection stays pending
 * (the handshake timeout); beyond the limits a connection is closed at once.
 */
final class RelayListener implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayListener.class);

    /** Runs one connection to its end; the socket is closed after it returns. */
    interface Handler {
        void handle(Socket accepted, Slot slot) throws IOException;
    }

    /** A connection's place among the pending ones, given back once it is established or ends. */
    final class Slot {
        private final InetAddress address;
        private boolean pending = true;

        private Slot(InetAddress address) {
            this.address = address;
        }

        synchronized void established() {
            if (pending) {
                pending = false;
                release(address);
            }
        }
    }

    private final String name;
    private final ServerSocket server;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private final Handler handler;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> pendingByAddress = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;

    RelayListener(String name, ServerSocket server, int maxPending, int maxPendingPerAddress, Handler handler) {
        this.name = name;
        this.server = server;
        this.maxPending = maxPending;
        this.maxPendingPerAddress = maxPendingPerAddress;
        this.handler = handler;
        Thread accepter = new Thread(this::acceptLoop, "fitmon-link-" + name + "-accept");
        accepter.setDaemon(true);
        accepter.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections closed at once because too many were pending. */
    long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("link listener {} stopped accepting: {}", name, e.toString());
                }
                return;
            }
            InetAddress address = socket.getInetAddress();
            if (!reserve(address)) {
                refused.incrementAndGet();
                quietlyClose(socket);
                continue;
            }
            Slot slot = new Slot(address);
            open.add(socket);
            Thread connection = new Thread(() -> run(socket, slot), "fitmon-link-" + name + "-" + socket.getPort());
            connection.setDaemon(true);
            connection.start();
        }
    }

    private void run(Socket socket, Slot slot) {
        try {
            socket.setTcpNoDelay(true);
            handler.handle(socket, slot);
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.debug("link {} from {} ended: {}", name, socket.getRemoteSocketAddress(), e.toString());
            }
        } finally {
            slot.established();
            quietlyClose(socket);
            open.remove(socket);
        }
    }

    private boolean reserve(InetAddress address) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return false;
        }
        AtomicInteger fromAddress = pendingByAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (fromAddress.incrementAndGet() > maxPendingPerAddress) {
            fromAddress.decrementAndGet();
            pending.decrementAndGet();
            return false;
        }
        return true;
    }

    private void release(InetAddress address) {
        pending.decrementAndGet();
        pendingByAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing what is already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // the accept loop ends either way
        }
        for (Socket socket : open) {
            quietlyClose(socket);
        }
    }

}
