package fitmon.broker.cluster;

import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FreePorts;
import fitmon.testkit.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.OrderingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A load run, not part of the default suite: steady signed-event load on four replica processes,
 * a follower and then the leader killed with SIGKILL, throughput per second recorded, with and
 * without the client's health view. Writes {@code target/resilience-results.md}.
 *
 * <p>Run: {@code ./mvnw -pl broker-service -am verify -Dit.test=ResilienceLoadIT -Dfitmon.load=true}
 */
@EnabledIfSystemProperty(named = "fitmon.load", matches = "true")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ResilienceLoadIT {

    private static final String TAG = "load.bft";
    private static final int WORKERS = 16;
    private static final int PHASE_SECONDS = 20;

    private record Phase(String name, double opsPerSecond, long longestStallMillis) {
    }

    @Test
    void throughputAcrossFollowerAndLeaderFailure() throws Exception {
        StringBuilder report = new StringBuilder("| client | phase | events/s | longest stall (ms) |\n|---|---|---|---|\n");
        List<Phase> withHealth = run(true, report);
        List<Phase> without = run(false, report);
        Path out = Path.of("target", "resilience-results.md");
        Files.writeString(out, report.toString());
        System.out.println(report);
        double baseline = withHealth.get(0).opsPerSecond();
        // With the health view, losing one replica (follower or leader) keeps throughput within a
        // small factor of normal; without it, a dead replica drags every proxy down.
        assertThat(withHealth.get(1).opsPerSecond()).as("after killing a follower").isGreaterThan(baseline / 4);
        assertThat(withHealth.get(3).opsPerSecond()).as("after killing the leader").isGreaterThan(baseline / 4);
        assertThat(without).isNotEmpty();
    }

    private List<Phase> run(boolean healthView, StringBuilder report) throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-load-ca");
        String mode = healthView ? "health view" : "send to all";
        try (BrokerCluster cluster = new BrokerCluster(1, ca.publicKey().getEncoded(),
                Path.of("target", "resilience-logs", healthView ? "health" : "all"))) {
            cluster.startAll();
            BrokerCluster.await("replicas ready", Duration.ofSeconds(120), () -> {
                for (int r = 0; r < cluster.n(); r++) {
                    var status = cluster.replicaStatus(r);
                    if (status == null || !"READY".equals(status.get("state").asString())) {
                        return false;
                    }
                }
                return true;
            });
            try (OrderingClient client = ClusterClient.connect(cluster, ca, 3000, healthView)) {
                order(client, new CreateChannel(TAG, ChannelClass.BFT, 0, WORKERS, 10, new ChannelRetention(1000, 1 << 20)));
                List<TestProbe> probes = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    TestProbe probe = new TestProbe("load-" + i, SignatureAlgorithm.ED25519, ca);
                    order(client, new RegisterProbe(TAG, probe.certificate));
                    probes.add(probe);
                }
                AtomicLongArray completedAt = new AtomicLongArray(5 * PHASE_SECONDS * 20);
                AtomicBoolean stop = new AtomicBoolean();
                long start = System.nanoTime();
                ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
                for (TestProbe probe : probes) {
                    workers.submit(() -> {
                        while (!stop.get()) {
                            try {
                                CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(
                                        new Publish(TAG, List.of(probe.nextBytes(TAG))))).get(60, TimeUnit.SECONDS));
                                if (((CommandResult.Published) result).outcomes().get(0) instanceof EventOutcome.Appended) {
                                    int slot = (int) ((System.nanoTime() - start) / 50_000_000L);
                                    if (slot < completedAt.length()) {
                                        completedAt.incrementAndGet(slot);
                                    }
                                }
                            } catch (Exception e) {
                                if (!stop.get()) {
                                    System.out.println("load worker: " + e);
                                }
                            }
                        }
                        return null;
                    });
                }
                List<Phase> phases = new ArrayList<>();
                Thread.sleep(PHASE_SECONDS * 1000L);
                phases.add(measure("steady, 4 replicas", completedAt, 5, PHASE_SECONDS));
                cluster.replica(3).kill();
                Thread.sleep(PHASE_SECONDS * 1000L);
                phases.add(measure("follower 3 killed", completedAt, PHASE_SECONDS, 2 * PHASE_SECONDS));
                // One fault at a time (f=1): bring the follower back before the leader goes.
                cluster.replica(3).start();
                BrokerCluster.await("replica 3 back", Duration.ofSeconds(60), () -> cluster.replicaStatus(3) != null);
                Thread.sleep(PHASE_SECONDS * 1000L);
                phases.add(measure("follower 3 restarted, catching up", completedAt, 2 * PHASE_SECONDS, 3 * PHASE_SECONDS));
                int leaderPhaseStart = (int) ((System.nanoTime() - start) / 1_000_000_000L);
                cluster.replica(0).kill();
                Thread.sleep(PHASE_SECONDS * 1000L);
                phases.add(measure("leader 0 killed", completedAt, leaderPhaseStart, leaderPhaseStart + PHASE_SECONDS));
                stop.set(true);
                workers.shutdown();
                workers.awaitTermination(90, TimeUnit.SECONDS);
                for (Phase p : phases) {
                    report.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d |%n", mode, p.name(), p.opsPerSecond(),
                            p.longestStallMillis()));
                }
                return phases;
            }
        }
    }

    /** Events per second between two instants (seconds from load start) and the longest gap without any. */
    private static Phase measure(String name, AtomicLongArray slots, int fromSecond, int toSecond) {
        long events = 0;
        long gap = 0;
        long longest = 0;
        for (int slot = fromSecond * 20; slot < toSecond * 20 && slot < slots.length(); slot++) {
            long n = slots.get(slot);
            events += n;
            gap = n == 0 ? gap + 50 : 0;
            longest = Math.max(longest, gap);
        }
        return new Phase(name, events / (double) (toSecond - fromSecond), longest);
    }

    private static void order(OrderingClient client, fitmon.core.command.BrokerCommand command) throws Exception {
        CommandResult result = ResultCodec.decode(client.submitOrdered(CommandCodec.encode(command)).get(60, TimeUnit.SECONDS));
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    }
}
