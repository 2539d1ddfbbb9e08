package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.List;

import bftsmart.reconfiguration.util.TOMConfiguration;
import fitmon.replication.Peer;
import fitmon.replication.ReplicationSettings;
import fitmon.replication.bftsmart.TomConfigurations;

/**
 * The raw BFT-SMaRt group's configuration: exactly the library properties the brokers run with
 * (taken from the replication module's {@link TomConfigurations}, so they cannot drift apart),
 * on loopback ports of the baseline's own. Only the library runs with it: no service of ours.
 */
final class RawBftConfig {

    static final int F = 1;
    static final int N = 3 * F + 1;

    private RawBftConfig() {
    }

    /** @param ports client port of replica i (peers use port + 1) */
    static TOMConfiguration forProcess(int processId, List<Integer> ports) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            peers.add(new Peer(i, "127.0.0.1", ports.get(i)));
        }
        return TomConfigurations.forProcess(processId, ReplicationSettings.of(peers, (ports.size() - 1) / 3));
    }
}
