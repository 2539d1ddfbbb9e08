package fitmon.replication.bftsmart;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

import javax.crypto.SecretKey;

import bftsmart.communication.ServerCommunicationSystem;
import bftsmart.communication.server.ServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the library's MAC key of a peer while the link to that peer is down, when links go through
 * our relays.
 *
 * <p>Every ACCEPT the library sends carries a MAC for each replica of the view, and its message
 * thread waits, a second at a time, until it holds a key for every one of them
 * ({@code Acceptor.insertProof}). It forgets a peer's key when it opens a new connection to it, and
 * learns it again only from that connection's key exchange. Over plain TCP a peer that is down
 * refuses the connection, so the key is never forgotten and ordering goes on without that peer.
 * Through a relay, the library's connection is to our loopback port, which accepts it before the
 * relay knows whether the peer can be reached: the key is forgotten, the exchange fails, and the
 * group stops ordering until the peer is back (measured: a killed leader stalled the consoles for
 * 22 s instead of 4 s, a partitioned one for the whole partition).
 *
 * <p>So each key the library learned is remembered here and put back when the library holds none:
 * when no key exchange is under way (the connection's connect lock is free: the library sets the
 * key to null and starts the exchange under that lock, and a key present then would skip it), or
 * as soon as the relay saw our library send its half of an exchange, which it does only past that
 * check ({@link #exchangeStarted}); the relay may then hold the link for seconds while it tries to
 * reach the peer. The key is the same the exchange would produce: the library derives both sides'
 * Diffie-Hellman keys from the replicas' fixed RSA keys.
 */
final class PeerKeyKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(PeerKeyKeeper.class);
    private static final long PERIOD_MILLIS = 200;

    private final int replicaId;
    private final Supplier<ServerCommunicationSystem> communication;
    private final Map<ServerConnection, SecretKey> learned = new IdentityHashMap<>();
    private final AtomicLong restored = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean warned;

    PeerKeyKeeper(int replicaId, Supplier<ServerCommunicationSystem> communication) {
        this.replicaId = replicaId;
        this.communication = communication;
        this.thread = new Thread(this::run, "fitmon-replica-" + replicaId + "-peer-keys");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    /** Keys put back since the start. */
    long restored() {
        return restored.get();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(PERIOD_MILLIS);
                ServerCommunicationSystem system = communication.get();
                if (system != null) {
                    sweep(system);
                }
            } catch (InterruptedException e) {
                return;
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (!warned) { // a library version without these fields: warn once, keep trying
                    warned = true;
                    LOG.warn("replica {} cannot keep its peers' link keys ({}): a peer that is down may stop ordering until "
                            + "it is back", replicaId, e.toString());
                }
            }
        }
    }

    /**
     * The library sent its half of a key exchange with {@code peer} on a new link and now waits
     * for the answer, holding the connect lock: past the point where an existing key would skip
     * the exchange, so the key can be put back at once instead of after the link failed. A relay
     * thread calls this.
     */
    synchronized void exchangeStarted(int peer) {
        ServerCommunicationSystem system = communication.get();
        if (system == null) {
            return;
        }
        try {
            ServerConnection connection = LibraryFields.peerConnections(system).get(peer);
            SecretKey last = connection == null ? null : learned.get(connection);
            if (last != null && connection.getSecretKey() == null) {
                LibraryFields.field(ServerConnection.class, "authKey").set(connection, last);
                count(peer);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("replica {}: could not keep the key of replica {}: {}", replicaId, peer, e.toString());
        }
    }

    private void count(int peer) {
        if (restored.incrementAndGet() % 100 == 1) {
            LOG.info("replica {}: the link to replica {} is down or being set up again; keeping its MAC key so that "
                    + "ordering goes on without it ({} times so far)", replicaId, peer, restored.get());
        }
    }

    /** One look at every peer connection; remembers keys, puts back missing ones. */
    synchronized void sweep(ServerCommunicationSystem system) throws ReflectiveOperationException {
        Map<Integer, ServerConnection> table = LibraryFields.peerConnections(system);
        List<Map.Entry<Integer, ServerConnection>> connections;
        synchronized (table) { // a Hashtable: its own lock makes the copy consistent
            connections = new ArrayList<>(table.entrySet());
        }
        for (Map.Entry<Integer, ServerConnection> entry : connections) {
            ServerConnection connection = entry.getValue();
            SecretKey key = connection.getSecretKey();
            if (key != null) {
                learned.put(connection, key);
                continue;
            }
            SecretKey last = learned.get(connection);
            if (last == null) {
                continue; // never exchanged yet: nothing to keep
            }
            Lock connectLock = (Lock) LibraryFields.field(ServerConnection.class, "connectLock").get(connection);
            if (!connectLock.tryLock()) {
                continue; // an exchange runs and sets the key itself
            }
            try {
                if (connection.getSecretKey() == null) {
                    LibraryFields.field(ServerConnection.class, "authKey").set(connection, last);
                    count(entry.getKey());
                }
            } finally {
                connectLock.unlock();
            }
        }
    }

}
