package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import bftsmart.communication.ServerCommunicationSystem;
import bftsmart.communication.SystemMessage;
import bftsmart.communication.server.ServerConnection;

/**
 * The library's queue of received replica messages, which its message thread alone consumes,
 * made safe against the library's own deadlock: a message a replica sends itself is {@code put}
 * into this queue, blocking while it is full. When the sender is the message thread itself (a
 * leader whose request timer fired forwards the pending requests to the leader, that is, to
 * itself), nobody is left to make room: the replica stops processing peer messages for good,
 * while its timers go on re-sending a STOP. That is how a leader paused under load, whose queue
 * was full of its peers' messages when it resumed, stayed out of its group for 30 minutes.
 *
 * <p>Here the message thread never waits: if the queue is full, its message to itself is dropped
 * and counted (the only such messages are requests the leader forwards to itself, which it holds
 * already, and our own housekeeping requests, which recur). Other threads wait at most
 * {@link #putWaitMillis} and then drop, so a stuck message thread cannot hang a timer either.
 * Peers' messages keep the library's behaviour: offered, dropped when full.
 */
final class InboundQueue extends LinkedBlockingQueue<SystemMessage> {

    private final long putWaitMillis;
    private final AtomicLong droppedSelfMessages = new AtomicLong();
    private volatile Thread consumer;

    InboundQueue(int capacity, long putWaitMillis) {
        super(capacity);
        this.putWaitMillis = putWaitMillis;
    }

    /** The thread that takes from this queue: the library's message thread. */
    void consumer(Thread thread) {
        this.consumer = thread;
    }

    @Override
    public void put(SystemMessage message) throws InterruptedException {
        boolean queued = Thread.currentThread() == consumer
                ? offer(message)
                : offer(message, putWaitMillis, TimeUnit.MILLISECONDS);
        if (!queued) {
            droppedSelfMessages.incrementAndGet();
        }
    }

    /**
     * Puts a new queue in place of the library's, in every object that holds it: the
     * communication system (whose thread consumes it), its server layer (which puts messages to
     * self and hands the queue to new connections) and each connection made so far (whose
     * receiver thread offers peers' messages). Call before the message thread starts; messages
     * already received are carried over.
     */
    @SuppressWarnings("unchecked")
    static InboundQueue replaceIn(ServerCommunicationSystem system, long putWaitMillis) throws ReflectiveOperationException {
        Field systemQueue = LibraryFields.field(ServerCommunicationSystem.class, "inQueue");
        LinkedBlockingQueue<SystemMessage> old = (LinkedBlockingQueue<SystemMessage>) systemQueue.get(system);
        InboundQueue replacement = new InboundQueue(old.size() + old.remainingCapacity(), putWaitMillis);
        replacement.consumer(system);
        Object servers = LibraryFields.serversLayer(system);
        Field serversQueue = LibraryFields.field(servers.getClass(), "inQueue");
        Field connectionQueue = LibraryFields.field(ServerConnection.class, "inQueue");
        serversQueue.set(servers, replacement);
        for (ServerConnection connection : new ArrayList<>(LibraryFields.peerConnections(system).values())) {
            connectionQueue.set(connection, replacement);
        }
        systemQueue.set(system, replacement);
        List<SystemMessage> received = new ArrayList<>();
        old.drainTo(received);
        received.forEach(replacement::offer);
        return replacement;
    }


    /** Messages to itself this replica dropped because its receive queue was full. */
    long droppedSelfMessages() {
        return droppedSelfMessages.get();
    }
}
