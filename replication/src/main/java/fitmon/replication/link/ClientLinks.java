package fitmon.replication.link;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

import fitmon.replication.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's links to the group (the gateway's ordering proxies): for every replica a loopback
 * port the library connects to as if it were that replica, and a relay that opens mutual TLS to
 * the replica's public client port and checks the certificate there is that replica's.
 */
public final class ClientLinks implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLinks.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final LinkSettings settings;
    private final List<RelayListener> listeners = new ArrayList<>();
    private final List<Peer> libraryView = new ArrayList<>();

    private ClientLinks(LinkSettings settings) {
        this.settings = settings;
    }

    public static ClientLinks open(List<Peer> replicas, LinkSettings settings) throws IOException {
        ClientLinks links = new ClientLinks(settings);
        try {
            for (Peer replica : replicas) {
                RelayListener listener = new RelayListener("client-to-replica-" + replica.id(),
                        new ServerSocket(0, 64, LOOPBACK), LinkSettings.MAX_PENDING, LinkSettings.MAX_PENDING,
                        settings.handshakeTimeout(), (socket, slot) -> links.relay(replica, socket, slot));
                links.listeners.add(listener);
                links.libraryView.add(new Peer(replica.id(), LOOPBACK.getHostAddress(), listener.port()));
            }
        } catch (IOException | RuntimeException e) {
            links.close();
            throw e;
        }
        return links;
    }

    /** The group as the library must see it: every replica on a loopback port of a relay. */
    public List<Peer> libraryView() {
        return List.copyOf(libraryView);
    }

    private void relay(Peer replica, Socket local, RelayListener.Slot slot) throws IOException {
        local.setSoLinger(true, 0); // an ended link reaches the library as a reset, not a stream cut inside a frame
        try (SSLSocket remote = settings.tls().connect(new InetSocketAddress(replica.host(), replica.port()),
                settings.handshakeTimeout())) {
            LinkIdentity answered = LinkTls.peerOf(remote);
            if (!answered.isReplica(replica.id())) {
                LOG.warn("{}:{} answered with the certificate of {}, not replica-{}: link refused", replica.host(),
                        replica.port(), answered, replica.id());
                return;
            }
            remote.setSoTimeout(0);
            slot.established();
            Splice.run("the client link to replica " + replica.id(), remote, local, null);
        }
    }

    @Override
    public void close() {
        listeners.forEach(RelayListener::close);
    }
}
