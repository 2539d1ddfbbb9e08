package fitmon.broker.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.core.command.CommandCodec;
import fitmon.core.command.Tick;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;

/**
 * What a gateway does on a quiet system (every {@code tick-interval}, here every second): orders a
 * Tick. A replica that lost the messages of the group's last instances learns that the group went
 * on only from a later instance; without a gateway nothing is ordered once a test's load stops.
 */
final class GatewayTicks implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;

    private GatewayTicks(OrderingClient client) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    client.submitOrdered(CommandCodec.encode(new Tick())).get(10, TimeUnit.SECONDS);
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a Tick that timed out changes nothing; the next one goes out anyway
                }
            }
        }, "gateway-ticks");
        thread.setDaemon(true);
    }

    static GatewayTicks start(OrderingClient client) {
        GatewayTicks ticks = new GatewayTicks(client);
        ticks.thread.start();
        return ticks;
    }

    /**
     * Waits for the replicas to report one state digest while Ticks are ordered, as they would be
     * by a gateway; says where each replica stands if they do not.
     */
    static void awaitSameDigest(BrokerCluster cluster, OrderingClient client, List<Integer> replicas, Duration timeout)
            throws InterruptedException {
        try (GatewayTicks ticks = start(client)) {
            cluster.awaitSameDigest(replicas, timeout);
        } catch (AssertionError e) {
            throw whereEachStands(cluster, replicas, e);
        }
    }

    /** {@code e} with each replica's status appended, to say where each stood when a wait timed out. */
    static AssertionError whereEachStands(BrokerCluster cluster, List<Integer> replicas, AssertionError e) {
        StringBuilder where = new StringBuilder(e.getMessage());
        for (int r : replicas) {
            where.append("\n  replica ").append(r).append(": ").append(cluster.replicaStatus(r));
        }
        return new AssertionError(where.toString(), e);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(15_000);
    }
}
