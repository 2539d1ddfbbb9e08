package fitmon.replication.link;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;

import fitmon.replication.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's links, carried over mutual TLS by relays of ours in front of the library, which
 * speaks plain TCP and listens on loopback ports only the relays know:
 *
 * <ul>
 *   <li>the public client port (the peer's {@code port}) admits clients whose certificate the
 *       settings accept (gateways) and carries them to the library's client port;</li>
 *   <li>the public peer port ({@code port + 1}) admits the other replicas of the group, reads the
 *       library's handshake in full before the library sees a byte (its accept loop reads it
 *       without a timeout, so a silent connection used to block every peer's reconnection: T22),
 *       and refuses a replica that introduces itself under another replica's id (which used to shut
 *       that replica's link for good: T23);</li>
 *   <li>for every other replica, a loopback port the library connects to as if it were that
 *       replica; the relay opens TLS to its public peer port and checks it is that replica.</li>
 * </ul>
 *
 * Frames towards the library are checked on the way ({@link PeerStreamCheck}).
 */
public final class ReplicaLinks implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLinks.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** How long our library's connection to a peer that is down is held before it fails like a refused one. */
    private static final java.time.Duration PEER_WAIT = java.time.Duration.ofSeconds(10);
    /** How long a link that passed its handshake waits for the library behind to listen. */
    private static final java.time.Duration LIBRARY_START_WAIT = java.time.Duration.ofSeconds(60);
    private volatile boolean closed;
    /** Clients at once past their handshake; each costs two threads. */
    static final int MAX_CLIENT_LINKS = 1024;

    private final int me;
    private final List<Peer> peers;
    private final LinkSettings settings;
    private final int libraryPort;
    private final List<RelayListener> listeners = new ArrayList<>();
    private final List<Peer> libraryView = new ArrayList<>();
    private final Map<Integer, Socket> inboundPeers = new ConcurrentHashMap<>();
    private final AtomicInteger clientLinks = new AtomicInteger();
    /** Peers this replica is cut off from (lab partitions): their links are closed and refused. */
    private volatile Set<Integer> silenced = Set.of();
    private final Map<Integer, Socket> outboundPeers = new ConcurrentHashMap<>();

    private volatile java.util.function.IntConsumer libraryAwaitsPeer = peer -> { };

    private ReplicaLinks(int me, List<Peer> peers, LinkSettings settings, int libraryPort) {
        this.me = me;
        this.peers = List.copyOf(peers);
        this.settings = settings;
        this.libraryPort = libraryPort;
    }

    /** Listens on this replica's public ports and a loopback port per other replica; the library is started after. */
    public static ReplicaLinks open(int me, List<Peer> peers, LinkSettings settings) throws IOException {
        ReplicaLinks links = new ReplicaLinks(me, peers, settings, LoopbackPorts.freePair());
        try {
            links.listen();
        } catch (IOException | RuntimeException e) {
            links.close();
            throw e;
        }
        return links;
    }

    private void listen() throws IOException {
        Peer own = peers.get(me);
        InetAddress bind = bindAddress(own.host());
        listeners.add(new RelayListener("clients", settings.tls().listen(new InetSocketAddress(bind, own.port()), 128),
                LinkSettings.MAX_PENDING, LinkSettings.MAX_PENDING_PER_ADDRESS, settings.handshakeTimeout(), this::client));
        listeners.add(new RelayListener("peers", settings.tls().listen(new InetSocketAddress(bind, own.port() + 1), 64),
                LinkSettings.MAX_PENDING, LinkSettings.MAX_PENDING_PER_ADDRESS, settings.handshakeTimeout(), this::inboundPeer));
        for (Peer peer : peers) {
            if (peer.id() == me) {
                libraryView.add(new Peer(me, LOOPBACK.getHostAddress(), libraryPort));
                continue;
            }
            ServerSocket local = new ServerSocket(0, 8, LOOPBACK);
            RelayListener listener = new RelayListener("to-replica-" + peer.id(), local, 8, 8, settings.handshakeTimeout(),
                    (socket, slot) -> outboundPeer(peer, socket, slot));
            listeners.add(listener);
            // the library connects to a peer's port + 1
            libraryView.add(new Peer(peer.id(), LOOPBACK.getHostAddress(), listener.port() - 1));
        }
    }

    /** The group as the library must see it: itself and every peer on loopback ports of the relays. */
    public List<Peer> libraryView() {
        return List.copyOf(libraryView);
    }

    /** Connections closed before their handshake because too many were pending. */
    public long refusedWhilePending() {
        return listeners.stream().mapToLong(RelayListener::refused).sum();
    }

    /**
     * Cuts this replica off from the given peers, as a network partition would: their links are
     * closed, and new ones, in either direction, are refused until the set no longer names them.
     * The library on each side keeps trying to reconnect every 5 s and succeeds once healed.
     */
    public void silence(Set<Integer> peers) {
        silenced = Set.copyOf(peers);
        for (Integer peer : silenced) {
            Socket in = inboundPeers.get(peer);
            if (in != null) {
                RelayListener.quietlyClose(in);
            }
            Socket out = outboundPeers.get(peer);
            if (out != null) {
                RelayListener.quietlyClose(out);
            }
        }
        if (!silenced.isEmpty()) {
            LOG.warn("LAB: replica {} is cut off from replicas {}", me, silenced);
        } else {
            LOG.warn("LAB: replica {} is connected to every peer again", me);
        }
    }

    /**
     * Runs {@code listener} with a peer's id each time our library has sent its half of the key
     * exchange on a new link to that peer and waits for the answer, which the relay may hold for a
     * while (a peer that is down or cut off answers late or never).
     */
    public void onLibraryAwaitingPeer(java.util.function.IntConsumer listener) {
        libraryAwaitsPeer = listener;
    }

    /** The peers this replica is cut off from. */
    public Set<Integer> silenced() {
        return silenced;
    }

    /**
     * Ends every link other replicas opened to this one, as a network fault would; the library on
     * both sides reconnects by itself (the one with the higher id connects, within about 5 s).
     */
    public void dropInboundPeerLinks() {
        inboundPeers.values().forEach(RelayListener::quietlyClose);
    }

    private void client(Socket accepted, RelayListener.Slot slot) throws IOException {
        SSLSocket socket = (SSLSocket) accepted;
        socket.setSoTimeout(timeoutMillis());
        socket.startHandshake();
        LinkIdentity client = LinkTls.peerOf(socket);
        if (!settings.clientAdmitted().test(client)) {
            LOG.warn("replica {} refused a client link from {} with the certificate of {}", me,
                    socket.getRemoteSocketAddress(), client);
            return;
        }
        if (clientLinks.incrementAndGet() > MAX_CLIENT_LINKS) {
            clientLinks.decrementAndGet();
            LOG.warn("replica {} refused a client link of {}: {} are open", me, client, MAX_CLIENT_LINKS);
            return;
        }
        slot.established(); // authenticated: it may wait for the library to start
        try (Socket library = connectPatiently(libraryPort)) {
            socket.setSoTimeout(0);
            Splice.run("fitmon-link-client-" + client.name(), socket, library, null);
        } finally {
            clientLinks.decrementAndGet();
        }
    }

    private void inboundPeer(Socket accepted, RelayListener.Slot slot) throws IOException {
        SSLSocket socket = (SSLSocket) accepted;
        long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
        socket.setSoTimeout(timeoutMillis());
        socket.startHandshake();
        LinkIdentity peer = LinkTls.peerOf(socket);
        int id = peer.replicaId();
        // the library's rule: the replica with the higher id connects; a lower one never does, and
        // letting it would make this replica's library connect back while holding its send lock
        if (id <= me || id >= peers.size()) {
            LOG.warn("replica {} refused a peer link from {} with the certificate of {}", me,
                    socket.getRemoteSocketAddress(), peer);
            return;
        }
        if (silenced.contains(id)) {
            return;
        }
        PeerStreamCheck check = PeerStreamCheck.fromConnectingPeer(id, settings.maxFrameBytes());
        ByteArrayOutputStream head;
        try {
            head = readHandshake(socket.getInputStream(), check, deadline);
        } catch (PeerStreamCheck.Violation e) {
            LOG.warn("replica {} closed the link of replica {} from {}: {}", me, id, socket.getRemoteSocketAddress(),
                    e.getMessage());
            return;
        }
        if (head == null) {
            return;
        }
        slot.established();
        // The library ignores a new link from a peer while it still holds the old one: end the old
        // one first, and below give up (so that the peer tries again) if the library does not
        // answer the new one in time.
        Socket previous = inboundPeers.put(id, socket);
        if (previous != null) {
            RelayListener.quietlyClose(previous);
        }
        // the library may still be starting (its port opens after the relays'): wait for it as a slow
        // network would, instead of closing a link the peer's library then handles badly
        try (Socket library = connectPatiently(libraryPort + 1)) {
            OutputStream out = library.getOutputStream();
            head.writeTo(out);
            out.flush();
            if (!forwardHandshake(library, socket, PeerStreamCheck.fromAcceptingPeer(settings.maxFrameBytes()),
                    System.nanoTime() + settings.handshakeTimeout().toNanos())) {
                return;
            }
            socket.setSoTimeout(0);
            if (silenced.contains(id)) {
                return; // cut off while this link was being set up
            }
            splicePeer(id, socket, library, check);
        } finally {
            inboundPeers.remove(id, socket);
        }
    }

    private void outboundPeer(Peer peer, Socket local, RelayListener.Slot slot) throws IOException {
        local.setSoLinger(true, 0); // see connectToLibrary
        local.setSoTimeout(timeoutMillis());
        PeerStreamCheck fromLibrary = PeerStreamCheck.fromConnectingPeer(me, settings.maxFrameBytes());
        ByteArrayOutputStream head;
        try {
            head = readHandshake(local.getInputStream(), fromLibrary, System.nanoTime() + settings.handshakeTimeout().toNanos());
        } catch (PeerStreamCheck.Violation e) {
            LOG.warn("replica {}: a local process broke the link to replica {}: {}", me, peer.id(), e.getMessage());
            return;
        }
        if (head == null) {
            return;
        }
        slot.established(); // our own library, waiting for its peer from here on
        libraryAwaitsPeer.accept(peer.id());
        SSLSocket reached = reachPatiently(peer, local);
        if (reached == null) {
            return;
        }
        try (SSLSocket remote = reached) {
            LinkIdentity answered = LinkTls.peerOf(remote);
            if (!answered.isReplica(peer.id())) {
                LOG.warn("replica {}: {}:{} answered with the certificate of {}, not replica-{}", me, peer.host(),
                        peer.port() + 1, answered, peer.id());
                return;
            }
            OutputStream out = remote.getOutputStream();
            head.writeTo(out);
            out.flush();
            PeerStreamCheck fromPeer = PeerStreamCheck.fromAcceptingPeer(settings.maxFrameBytes());
            if (!forwardHandshake(remote, local, fromPeer, System.nanoTime() + settings.handshakeTimeout().toNanos())) {
                return;
            }
            local.setSoTimeout(0);
            outboundPeers.put(peer.id(), remote);
            try {
                if (silenced.contains(peer.id())) {
                    return;
                }
                splicePeer(peer.id(), remote, local, fromPeer);
            } finally {
                outboundPeers.remove(peer.id(), remote);
            }
        }
    }

    /**
     * Copies one library's handshake answer to the other side as it arrives, checked, within the
     * deadline: a library that does not answer (it ignores a second link from the same peer) ends
     * the link, and the peer's library tries again. False if the stream ended first.
     */
    private boolean forwardHandshake(Socket from, Socket to, PeerStreamCheck check, long deadlineNanos)
            throws IOException {
        from.setSoTimeout(timeoutMillis());
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buffer = new byte[4096];
        while (!check.handshakeDone()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new SocketTimeoutException("no handshake answer within " + settings.handshakeTimeout());
            }
            int read = in.read(buffer);
            if (read < 0) {
                return false;
            }
            check.accept(buffer, 0, read);
            out.write(buffer, 0, read);
            out.flush();
        }
        from.setSoTimeout(0);
        return true;
    }

    /**
     * The library's handshake in full (its id, when the check expects one, and both blocks) as it
     * arrives, checked; null if the connection ended first.
     */
    private ByteArrayOutputStream readHandshake(InputStream in, PeerStreamCheck check, long deadlineNanos)
            throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!check.handshakeDone()) {
            int read = in.read(buffer);
            if (read < 0) {
                return null;
            }
            check.accept(buffer, 0, read);
            head.write(buffer, 0, read);
            if (System.nanoTime() > deadlineNanos) {
                throw new SocketTimeoutException("handshake not complete in " + settings.handshakeTimeout());
            }
        }
        return head;
    }

    /**
     * Opens TLS to a peer, trying again every second for a while when it is down and our library
     * still waits. The library takes a link accepted and at once closed for a broken one and races
     * its own threads reconnecting; one that is slow to answer it waits for, as for a peer that is
     * starting. Not for long: the library makes these connections in its constructor, before it
     * listens for its own peers, so a peer that stays down must fail the attempt as a refused
     * connection would. Null once the library gave up or sent more, the peer is cut off, or the
     * wait is over.
     */
    private SSLSocket reachPatiently(Peer peer, Socket local) throws IOException {
        InetSocketAddress address = new InetSocketAddress(peer.host(), peer.port() + 1);
        long giveUp = System.nanoTime() + PEER_WAIT.toNanos();
        while (true) {
            if (silenced.contains(peer.id())) {
                return null;
            }
            try {
                return settings.tls().connect(address, settings.handshakeTimeout());
            } catch (IOException e) {
                LOG.debug("replica {}: replica {} at {} not reachable yet: {}", me, peer.id(), address, e.toString());
            }
            if (System.nanoTime() > giveUp || !libraryStillWaits(local)) {
                return null;
            }
        }
    }

    /**
     * Waits up to a second for our library to close the link. After its handshake it should send
     * nothing until the peer answers; when it does (its sender thread may write frames early, under
     * the previous link's MAC key, which the new peer would take for forgeries), the held link is
     * given up and the library connects again.
     */
    private boolean libraryStillWaits(Socket local) throws IOException {
        local.setSoTimeout(1000);
        try {
            local.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void splicePeer(int peer, Socket remote, Socket library, PeerStreamCheck check) {
        Splice.run("replica " + me + ": the link with replica " + peer, remote, library, check);
    }

    /**
     * Connects to the library's loopback port, trying again for a while: the relays listen before
     * the library does, and a client or peer whose connection is accepted and then closed at once
     * takes it for a broken link (the library's own clients then wait 10 s to reconnect).
     */
    private Socket connectPatiently(int port) throws IOException {
        long deadline = System.nanoTime() + LIBRARY_START_WAIT.toNanos();
        while (true) {
            try {
                return connectToLibrary(port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline || closed) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the library", e);
            }
        }
    }

    private Socket connectToLibrary(int port) throws IOException {
        Socket library = new Socket();
        try {
            library.setTcpNoDelay(true);
            // a link that ends ends with a reset: the library reads a stream cut inside a frame
            // until an exception it does not catch ends its receiver thread; a reset is an
            // IOException it handles by reconnecting
            library.setSoLinger(true, 0);
            library.connect(new InetSocketAddress(LOOPBACK, port), timeoutMillis());
            return library;
        } catch (IOException e) {
            library.close();
            throw e;
        }
    }

    private int timeoutMillis() {
        return (int) settings.handshakeTimeout().toMillis();
    }

    /** A loopback host stays on loopback; any other name listens on every interface, as the library did. */
    static InetAddress bindAddress(String host) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        return address.isLoopbackAddress() ? address : new InetSocketAddress(0).getAddress();
    }

    @Override
    public void close() {
        closed = true;
        listeners.forEach(RelayListener::close);
        inboundPeers.values().forEach(RelayListener::quietlyClose);
    }
}
