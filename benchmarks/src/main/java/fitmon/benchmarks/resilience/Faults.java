package fitmon.benchmarks.resilience;

/**
 * What the matrix does to replicas, by replica number; {@link LabFaults} drives a running
 * {@code fitmon local --lab}, tests drive their own processes.
 */
public interface Faults {

    /** Lab mode: tells the replica to misbehave, or {@code honest} to stop. */
    void lie(int replica, String mode) throws Exception;

    /** SIGKILL. */
    void kill(int replica) throws Exception;

    /** Starts a killed replica again and returns once it answers. */
    void restart(int replica) throws Exception;

    /** SIGSTOP. */
    void pause(int replica) throws Exception;

    /** SIGCONT. */
    void resume(int replica) throws Exception;

    /** Lab mode: cuts the replica's links to every peer ({@code cut}), or heals them. */
    void partition(int replica, boolean cut) throws Exception;
}
