package fitmon.replication.bftsmart;

import java.util.List;
import java.util.Properties;
import java.util.StringJoiner;

import bftsmart.reconfiguration.util.HostsConfig;
import bftsmart.reconfiguration.util.TOMConfiguration;
import fitmon.replication.Peer;
import fitmon.replication.ReplicaKeys;
import fitmon.replication.ReplicationSettings;

/**
 * Builds the library's configuration from our settings, in code: every property it reads is set
 * explicitly (left out, its defaults are poor), and nothing is read from or written to files.
 * Public for the benchmarks' raw-library baseline, which must run with exactly these properties.
 */
public final class TomConfigurations {

    /** Client process ids start here, far from replica ids. */
    static final int FIRST_CLIENT_ID = 1000;
    private static final int TTP_ID = 7002;

    private TomConfigurations() {
    }

    /** The configuration of one process of the group (a replica without its own keys, or a client). */
    public static TOMConfiguration forProcess(int processId, ReplicationSettings settings) {
        return forProcess(processId, settings, settings.peers());
    }

    /**
     * As {@link #forProcess(int, ReplicationSettings)}, the library seeing the group at other
     * addresses: the loopback ports of the link relays ({@code fitmon.replication.link}).
     */
    static TOMConfiguration forProcess(int processId, ReplicationSettings settings, List<Peer> libraryView) {
        HostsConfig hosts = new HostsConfig();
        for (Peer peer : libraryView) {
            hosts.add(peer.id(), peer.host(), peer.port());
        }
        // A fresh Properties each time: the constructor removes the keys it reads.
        return new TOMConfiguration(processId, properties(settings), hosts);
    }

    /** A replica's configuration with its own RSA keys instead of the library's shared pair. */
    static TOMConfiguration forReplica(int replicaId, ReplicationSettings settings, List<Peer> libraryView,
                                       ReplicaKeys keys) {
        TOMConfiguration configuration = forProcess(replicaId, settings, libraryView);
        if (keys != null) {
            configuration.setRsaLoader(new ConfiguredRsaKeyLoader(keys, replicaId));
        }
        return configuration;
    }

    /** Consensus instances a replica may lag before it fetches state instead of waiting. */
    static final int CATCH_UP_HIGH_MARK = 200;

    static Properties properties(ReplicationSettings settings) {
        StringJoiner view = new StringJoiner(",");
        for (Peer peer : settings.peers()) {
            view.add(Integer.toString(peer.id()));
        }
        Properties p = new Properties();
        p.setProperty("system.servers.num", Integer.toString(settings.n()));
        p.setProperty("system.servers.f", Integer.toString(settings.f()));
        p.setProperty("system.initial.view", view.toString());
        p.setProperty("system.bft", "true");
        p.setProperty("system.ttp.id", Integer.toString(TTP_ID));
        p.setProperty("system.communication.defaultkeys", "true");
        p.setProperty("system.communication.useSenderThread", "true");
        p.setProperty("system.communication.useMACs", "1");
        p.setProperty("system.communication.useSignatures", "0");
        p.setProperty("system.communication.useControlFlow", "0");
        p.setProperty("system.communication.inQueueSize", Integer.toString(settings.queueSize()));
        p.setProperty("system.communication.outQueueSize", Integer.toString(settings.queueSize()));
        p.setProperty("system.totalordermulticast.timeout", Long.toString(settings.orderingTimeout().toMillis()));
        p.setProperty("system.totalordermulticast.maxbatchsize", Integer.toString(settings.maxBatchSize()));
        p.setProperty("system.totalordermulticast.state_transfer", "true");
        // A replica that lost consensus messages (its in-queue overflowed while it was paused or
        // slow) only asks for state once it sees a message this many instances ahead; the
        // library's 10 000 leaves it wedged for minutes, alone in a leader change nobody joins.
        p.setProperty("system.totalordermulticast.highMark", Integer.toString(CATCH_UP_HIGH_MARK));
        p.setProperty("system.totalordermulticast.log", "true");
        p.setProperty("system.totalordermulticast.log_parallel", "false");
        p.setProperty("system.totalordermulticast.log_to_disk", "false");
        p.setProperty("system.totalordermulticast.sync_log", "false");
        p.setProperty("system.totalordermulticast.checkpoint_to_disk", "false");
        p.setProperty("system.totalordermulticast.sync_ckp", "false");
        p.setProperty("system.totalordermulticast.checkpoint_period", Integer.toString(settings.checkpointPeriod()));
        p.setProperty("system.totalordermulticast.global_checkpoint_period", Integer.toString(settings.checkpointPeriod()));
        p.setProperty("system.totalordermulticast.nonces", "0");
        p.setProperty("system.numrepliers", "0");
        p.setProperty("system.shutdownhook", "false");
        return p;
    }
}
