package fitmon.replication.link;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                LinkSettings.MAX_PENDING, LinkSettings.MAX_PENDING_PER_ADDRESS, this::client));
        listeners.add(new RelayListener("peers", settings.tls().listen(new InetSocketAddress(bind, own.port() + 1), 64),
                LinkSettings.MAX_PENDING, LinkSettings.MAX_PENDING_PER_ADDRESS, this::inboundPeer));
        for (Peer peer : peers) {
            if (peer.id() == me) {
                libraryView.add(new Peer(me, LOOPBACK.getHostAddress(), libraryPort));
                continue;
            }
            ServerSocket local = new ServerSocket(0, 8, LOOPBACK);
            RelayListener listener = new RelayListener("to-replica-" + peer.id(), local, 8, 8,
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
        try (Socket library = connectToLibrary(libraryPort)) {
            socket.setSoTimeout(0);
            slot.established();
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
        if (id < 0 || id >= peers.size() || id == me) {
            LOG.warn("replica {} refused a peer link from {} with the certificate of {}", me,
                    socket.getRemoteSocketAddress(), peer);
            return;
        }
        PeerStreamCheck check = PeerStreamCheck.fromConnectingPeer(id, settings.maxFrameBytes());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (!check.handshakeDone()) {
                int read = in.read(buffer);
                if (read < 0) {
                    return;
                }
                check.accept(buffer, 0, read);
                head.write(buffer, 0, read);
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("handshake not complete in " + settings.handshakeTimeout());
                }
            }
        } catch (PeerStreamCheck.Violation e) {
            LOG.warn("replica {} closed the link of replica {} from {}: {}", me, id, socket.getRemoteSocketAddress(),
                    e.getMessage());
            return;
        }
        try (Socket library = connectToLibrary(libraryPort + 1)) {
            OutputStream out = library.getOutputStream();
            head.writeTo(out);
            out.flush();
            socket.setSoTimeout(0);
            slot.established();
            Socket previous = inboundPeers.put(id, socket);
            if (previous != null) {
                RelayListener.quietlyClose(previous); // the library replaces its link to that peer too
            }
            splicePeer(id, socket, library, check);
        } finally {
            inboundPeers.remove(id, socket);
        }
    }

    private void outboundPeer(Peer peer, Socket local, RelayListener.Slot slot) throws IOException {
        local.setSoTimeout(timeoutMillis());
        int id = new DataInputStream(local.getInputStream()).readInt();
        if (id != me) {
            LOG.warn("replica {}: a local process posed as replica {} on the link to replica {}", me, id, peer.id());
            return;
        }
        try (SSLSocket remote = settings.tls().connect(new InetSocketAddress(peer.host(), peer.port() + 1),
                settings.handshakeTimeout())) {
            LinkIdentity answered = LinkTls.peerOf(remote);
            if (!answered.isReplica(peer.id())) {
                LOG.warn("replica {}: {}:{} answered with the certificate of {}, not replica-{}", me, peer.host(),
                        peer.port() + 1, answered, peer.id());
                return;
            }
            OutputStream out = remote.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(me).array());
            out.flush();
            remote.setSoTimeout(0);
            local.setSoTimeout(0);
            slot.established();
            splicePeer(peer.id(), remote, local, PeerStreamCheck.fromAcceptingPeer(settings.maxFrameBytes()));
        }
    }

    private void splicePeer(int peer, Socket remote, Socket library, PeerStreamCheck check) {
        Splice.run("replica " + me + ": the link with replica " + peer, remote, library, check);
    }

    private Socket connectToLibrary(int port) throws IOException {
        Socket library = new Socket();
        try {
            library.setTcpNoDelay(true);
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
        listeners.forEach(RelayListener::close);
        inboundPeers.values().forEach(RelayListener::quietlyClose);
    }
}
