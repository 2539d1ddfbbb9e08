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

    @Override
    void close();
}
