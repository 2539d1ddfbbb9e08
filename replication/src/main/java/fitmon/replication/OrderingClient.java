package fitmon.replication;

import java.util.concurrent.CompletableFuture;

/**
 * Submits commands to every replica and completes once enough replicas returned byte-identical
 * replies (f+1 by default, so at least one correct replica vouches for the answer).
 */
public interface OrderingClient extends AutoCloseable {

    /** Totally ordered through consensus. */
    CompletableFuture<byte[]> submitOrdered(byte[] command);

    /** Bypasses consensus; each replica executes it on arrival. */
    CompletableFuture<byte[]> submitUnordered(byte[] command);

    /**
     * As {@link #submitUnordered(byte[])}, keeping the order of one stream: commands submitted one
     * after the other with the same {@code stream} reach every replica, and are executed there, in
     * that order (for instance the events of one channel, so a probe's events keep its order on
     * every replica). By default no stronger than the plain call.
     */
    default CompletableFuture<byte[]> submitUnordered(byte[] command, String stream) {
        return submitUnordered(command);
    }

    @Override
    void close();
}
