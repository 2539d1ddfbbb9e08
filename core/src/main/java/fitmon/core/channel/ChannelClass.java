package fitmon.core.channel;

/**
 * Quality-of-service class of a channel (TRONE architecture): how its events are ordered, which
 * faults it tolerates and how a console decides that a delivery is genuine.
 */
public enum ChannelClass {
    /** Total order through consensus, up to f Byzantine replicas, f+1 identical copies, signed. */
    BFT(true, true, false),
    /** Total order through consensus, crash faults, first copy wins. */
    CFT_O(true, false, false),
    /** No total order (per-probe FIFO), crash faults, urgent queue. */
    CFT_NO_U(false, false, true),
    /** No total order (per-probe FIFO), crash faults, non-urgent queue. */
    CFT_NO_NU(false, false, false);

    private final boolean ordered;
    private final boolean byzantine;
    private final boolean urgent;

    ChannelClass(boolean ordered, boolean byzantine, boolean urgent) {
        this.ordered = ordered;
        this.byzantine = byzantine;
        this.urgent = urgent;
    }

    /** Whether events of this class go through consensus and get a channel sequence number. */
    public boolean ordered() {
        return ordered;
    }

    /** Whether this class tolerates Byzantine replicas, which makes probe signatures mandatory. */
    public boolean byzantine() {
        return byzantine;
    }

    public boolean signatureRequired() {
        return byzantine;
    }

    /** Whether deliveries of this class jump ahead of queued non-urgent ones. */
    public boolean urgent() {
        return urgent;
    }

    /** Identical copies a console needs before it shows a delivery of this class. */
    public int votesNeeded(int f) {
        return byzantine ? f + 1 : 1;
    }

    /** Parses the contract's spelling ({@code "BFT"}, {@code "CFT_O"} ...), null if unknown. */
    public static ChannelClass fromName(String name) {
        for (ChannelClass c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
