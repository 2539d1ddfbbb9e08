package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.List;

import bftsmart.reconfiguration.views.MemoryBasedViewStorage;
import bftsmart.tom.MessageContext;
import bftsmart.tom.ServiceReplica;
import bftsmart.tom.server.defaultservices.DefaultReplier;
import bftsmart.tom.server.defaultservices.DefaultSingleRecoverable;

/**
 * One replica of the raw BFT-SMaRt baseline, run as its own process by {@link RawBftBaseline}:
 * a service that does nothing and answers every request with 16 bytes.
 *
 * <p>{@code java -cp benchmarks.jar fitmon.benchmarks.load.RawBftReplica ID PORT0,PORT1,...}
 */
public final class RawBftReplica extends DefaultSingleRecoverable {

    static final int REPLY_BYTES = 16;

    private final byte[] reply = new byte[REPLY_BYTES];

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: RawBftReplica ID PORT0,PORT1,... (client ports; peers use port+1)");
            System.exit(2);
        }
        int id = Integer.parseInt(args[0]);
        List<Integer> ports = new ArrayList<>();
        for (String port : args[1].split(",")) {
            ports.add(Integer.parseInt(port.strip()));
        }
        RawBftReplica service = new RawBftReplica();
        // blocks until the peers are connected
        new ServiceReplica(RawBftConfig.forProcess(id, ports), new MemoryBasedViewStorage(), service, service, null,
                new DefaultReplier());
        System.out.println("raw replica " + id + " running");
    }

    @Override
    public byte[] appExecuteOrdered(byte[] command, MessageContext context) {
        return reply;
    }

    @Override
    public byte[] appExecuteUnordered(byte[] command, MessageContext context) {
        return reply;
    }

    @Override
    public byte[] getSnapshot() {
        return new byte[0];
    }

    @Override
    public void installSnapshot(byte[] state) {
        // nothing to install: the service has no state
    }
}
