package fitmon.replication.link;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
        private volatile ScheduledFuture<?> deadline;

        private Slot(InetAddress address) {
            this.address = address;
        }

        synchronized void established() {
            if (pending) {
                pending = false;
                release(address);
                ScheduledFuture<?> scheduled = deadline;
                if (scheduled != null) {
                    scheduled.cancel(false);
                }
            }
        }

        synchronized boolean isPending() {
            return pending;
        }
    }

    /** Closes connections still pending at their deadline; one thread for every listener of the process. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fitmon-link-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final Duration handshakeTimeout;
    private final ServerSocket server;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private final Handler handler;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<InetAddress, Integer> pendingByAddress = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;

    RelayListener(String name, ServerSocket server, int maxPending, int maxPendingPerAddress, Duration handshakeTimeout,
                  Handler handler) {
        this.name = name;
        this.handshakeTimeout = handshakeTimeout;
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
                if (closed) {
                    return;
                }
                // out of file descriptors under a flood, say: the listener goes on once it passes
                LOG.warn("link listener {} could not accept a connection: {}", name, e.toString());
                pause();
                continue;
            }
            InetAddress address = socket.getInetAddress();
            if (!reserve(address)) {
                refused.incrementAndGet();
                quietlyClose(socket);
                continue;
            }
            Slot slot = new Slot(address);
            open.add(socket);
            try {
                Thread connection = new Thread(() -> run(socket, slot), "fitmon-link-" + name + "-" + socket.getPort());
                connection.setDaemon(true);
                connection.start();
                // whatever the handler does, a connection still pending at the deadline is closed:
                // a peer that sends one byte at a time stays within every read timeout
                slot.deadline = DEADLINES.schedule(() -> {
                    if (slot.isPending()) {
                        quietlyClose(socket);
                    }
                }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (OutOfMemoryError | RuntimeException e) {
                LOG.warn("link listener {} could not start a connection's thread: {}", name, e.toString());
                slot.established();
                quietlyClose(socket);
                open.remove(socket);
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        boolean[] admitted = {false};
        pendingByAddress.compute(address, (a, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < maxPendingPerAddress;
            return admitted[0] ? now + 1 : (now == 0 ? null : now);
        });
        if (!admitted[0]) {
            pending.decrementAndGet();
        }
        return admitted[0];
    }

    private void release(InetAddress address) {
        pending.decrementAndGet();
        pendingByAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
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
