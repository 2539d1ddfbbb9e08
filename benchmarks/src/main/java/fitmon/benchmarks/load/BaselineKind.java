package fitmon.benchmarks.load;

import fitmon.core.channel.ChannelClass;

/** The systems fitmon is judged against, and the channel classes each one is a fair baseline for. */
public enum BaselineKind {

    /** The ordering engine underneath, without fitmon: same library, Netty, JVM flags and sizes. */
    RAW_BFT("raw-bft"),
    /** What an operator would install for crash-only traffic: a file-backed JetStream stream. */
    NATS("nats"),
    /** The other common choice for crash-only traffic: a replicated, persistent quorum queue. */
    RABBITMQ("rabbitmq");

    private final String optionName;

    BaselineKind(String optionName) {
        this.optionName = optionName;
    }

    public String optionName() {
        return optionName;
    }

    public static BaselineKind byName(String name) {
        for (BaselineKind kind : values()) {
            if (kind.optionName.equals(name)) {
                return kind;
            }
        }
        return null;
    }

    /** Raw BFT-SMaRt for the classes ordered through consensus; the brokers for the crash-only classes. */
    public boolean judges(ChannelClass channelClass) {
        return switch (this) {
            case RAW_BFT -> channelClass.ordered();
            case NATS, RABBITMQ -> channelClass != ChannelClass.BFT;
        };
    }
}
