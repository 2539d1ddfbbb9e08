package fitmon.replication.bftsmart;

/**
 * How long a replica waits for a request to be ordered before it asks for the next leader change,
 * doubled with every leader change that ordered nothing, and back to the configured value once
 * the group orders again.
 *
 * <p>The library waits the same ordering timeout in every regency. A new leader has to collect the
 * others' state, synchronise them and propose again within that time; on an overloaded machine (or
 * with a large backlog to relay) it cannot, every replica gives up on it at once, and the group
 * moves from regency to regency without ordering anything: seen here as regencies 1 to 118 in a
 * minute with three correct replicas on two busy cores. Growing the timeout per failed regency is
 * the classic cure (PBFT's view-change timer): some regency eventually lasts long enough.
 *
 * <p>Pure bookkeeping; the caller applies the returned timeout to the library's request timer.
 * Thread-safe: regencies are installed on the library's message or timer threads.
 */
final class LeaderChangeBackoff {

    /** At most base × 2^3: eight ordering timeouts to get through one leader change. */
    static final int MAX_DOUBLINGS = 3;

    private final long baseMillis;
    private int doublings;
    private int executedAtInstall = Integer.MIN_VALUE;
    private volatile long currentMillis;

    LeaderChangeBackoff(long baseMillis) {
        if (baseMillis < 1) {
            throw new IllegalArgumentException("the ordering timeout must be positive, got " + baseMillis + " ms");
        }
        this.baseMillis = baseMillis;
        this.currentMillis = baseMillis;
    }

    /**
     * A regency was installed while the replica had executed up to {@code executed}: if nothing was
     * executed since the previous one, that leader change ordered nothing and the timeout doubles.
     *
     * @return the timeout for the new regency, in milliseconds
     */
    synchronized long regencyInstalled(int executed) {
        if (executed > executedAtInstall) {
            doublings = 0;
        } else if (doublings < MAX_DOUBLINGS) {
            doublings++;
        }
        executedAtInstall = executed;
        currentMillis = baseMillis << doublings;
        return currentMillis;
    }

    /**
     * The replica has executed up to {@code executed}: past what it had at the last installed
     * regency, the group orders again and the timeout is the configured one.
     *
     * @return the base timeout if it has to be put back now, else -1
     */
    synchronized long executed(int executed) {
        if (doublings == 0 || executed <= executedAtInstall) {
            return -1;
        }
        doublings = 0;
        currentMillis = baseMillis;
        return baseMillis;
    }

    long currentMillis() {
        return currentMillis;
    }

    long baseMillis() {
        return baseMillis;
    }
}
