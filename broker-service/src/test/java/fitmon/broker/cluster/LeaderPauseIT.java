package fitmon.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fitmon.core.command.ChannelRetention;
import fitmon.replication.OrderingClient;
import fitmon.testkit.BrokerCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The leader frozen (SIGSTOP) under continuous load long enough for the other three to replace it,
 * then resumed: it comes back in the middle of a leader change the group has already finished,
 * with its queues overflowed. It must rejoin the group within {@link #REJOIN_BOUND} while the
 * load goes on, no replica may run out of memory or hold more relayed leader-change requests
 * than its bound, ordering must never stop for long, and every acknowledged event must be in
 * every replica's log. See docs/resilience.md.
 *
 * <p>By default three pauses, 20 s apart, in a minute or more of load (the CI version). With
 * {@code -Dfitmon.soak.minutes=N} the load runs N minutes and whichever replica leads is frozen
 * every {@code fitmon.soak.pause-every} (default 3 min); heap over time per replica, stalls and
 * rejoin times go to {@code target/leader-pause-soak.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.MINUTES)
class LeaderPauseIT {

    private static final String TAG = "leader.pause";
    private static final int WORKERS = 8;
    private static final int EVENTS_PER_REQUEST = 5;
    /** Several ordering timeouts (1 s in these clusters): the others install a new regency meanwhile. */
    private static final Duration PAUSE = Duration.ofSeconds(8);
    /**
     * How soon after SIGCONT the frozen replica must execute what the group had executed: the
     * stall watchdog acts after three ordering timeouts, then a state transfer under load.
     */
    private static final Duration REJOIN_BOUND = Duration.ofSeconds(30);
    /** The longest the three others may go without completing a request while one is frozen. */
    private static final Duration LONGEST_STALL = Duration.ofSeconds(15);
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** Rest between a worker's requests in the CI version (see the first test). */
    private static final Duration CI_THINK = Duration.ofMillis(20);
    private static final Path LOGS = Path.of("target", "leader-pause-it-logs");
    /** A soak orders more events than a replica's heap could hold: the check reads the retained tail. */
    private static final int RETAINED_EVENTS = 50_000;
    private static final Pattern HEAP_USED = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)");
    private static final Pattern HEAP_MAX = Pattern.compile("jvm_memory_max_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)");
    private static final Pattern RELAYED = Pattern.compile("fitmon_replica_leader_change_relayed_bytes(\\{[^}]*})? ([0-9.eE+]+)");
    private static final Pattern SELF_DROPPED = Pattern.compile(
            "fitmon_replica_self_messages_dropped_total(\\{[^}]*})? ([0-9.eE+]+)");
    private static final Pattern ORDERING_TIMEOUT = Pattern.compile(
            "fitmon_replica_ordering_timeout_seconds(\\{[^}]*})? ([0-9.eE+]+)");
    private static final Pattern RELAYED_LIMIT = Pattern.compile(
            "fitmon_replica_leader_change_relayed_limit_bytes(\\{[^}]*})? ([0-9.eE+]+)");

    private ProbedCluster fixture;
    private BrokerCluster cluster;
    private OrderingClient client;
    private final List<TestProbe> probes = new ArrayList<>();
    private int restarts;
    private int skipped;

    @BeforeAll
    void startCluster() throws Exception {
        fixture = ProbedCluster.start(LOGS, 2400, TAG, "pause", WORKERS,
                new ChannelRetention(RETAINED_EVENTS, 32L * 1024 * 1024), STARTUP);
        cluster = fixture.cluster;
        client = fixture.client;
        probes.addAll(fixture.probes);
    }

    @AfterAll
    void stopCluster() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void aFrozenLeaderRejoinsUnderLoadAndNoReplicaGrows() throws Exception {
        int soakMinutes = Integer.getInteger("fitmon.soak.minutes", 0);
        // CI: three leaders frozen in turn (each leader change makes another replica the leader).
        Duration runFor = soakMinutes > 0 ? Duration.ofMinutes(soakMinutes) : Duration.ofSeconds(60);
        Duration pauseEvery = soakMinutes > 0
                ? Duration.ofMinutes(Integer.getInteger("fitmon.soak.pause-every", 3)) : Duration.ofSeconds(20);
        List<String> report = new ArrayList<>();
        List<Pause> pauses = new ArrayList<>();
        long[] heapPeak = new long[cluster.n()];
        long[] relayedPeak = new long[cluster.n()];
        long started;
        long appended;
        // CI: each worker rests between requests, so that a replica that rejoins can catch up on
        // a 2-core machine before the next leader is frozen; the soak saturates the machine.
        Duration think = soakMinutes > 0 ? Duration.ZERO : CI_THINK;
        try (ContinuousLoad load = new ContinuousLoad(client, TAG, probes, EVENTS_PER_REQUEST, think)) {
            load.start();
            awaitMoreRequests(load, 50);
            started = System.nanoTime();
            long end = started + runFor.toNanos();
            long nextPause = started;
            long nextSample = started;
            int minimumPauses = soakMinutes > 0 ? 1 : 3;
            while (System.nanoTime() < end || pauses.size() + skipped < minimumPauses) {
                superviseReplicas(started, report);
                if (System.nanoTime() >= nextSample) {
                    report.add(sample(started, heapPeak, relayedPeak, load));
                    nextSample += TimeUnit.SECONDS.toNanos(soakMinutes > 0 ? 30 : 10);
                }
                if (System.nanoTime() >= nextPause) {
                    if (groupWhole()) {
                        pauses.add(pauseLeaderAndAwaitRejoin(load));
                    } else {
                        String line = String.format(Locale.ROOT, "%.0f s: pause skipped, the group is not whole: %s",
                                (System.nanoTime() - started) / 1e9, lastConsensusIds());
                        System.out.println(line);
                        report.add(line);
                        skipped++;
                    }
                    nextPause += pauseEvery.toNanos();
                }
                Thread.sleep(500);
            }
            report.add(sample(started, heapPeak, relayedPeak, load));
            load.close();
            appended = load.appended();
            report.add(String.format(Locale.ROOT, "%d requests, %d events acknowledged; %d failed; %d pauses, %d skipped; "
                    + "%d replica restarts", load.completedRequests(), appended, load.failures().size(), pauses.size(),
                    skipped, restarts));
            writeReport(report, pauses, heapPeak, relayedPeak);
            assertThat(load.failures()).as("requests that failed").isEmpty();
        }
        // a replica restarted in the last seconds of the load may not answer yet
        awaitEveryReplicaReady(started, report);
        long[] selfDropped = new long[cluster.n()];
        for (int r = 0; r < cluster.n(); r++) {
            selfDropped[r] = (long) metric(SELF_DROPPED, cluster.raw(r, "/actuator/prometheus").body());
        }
        report.add("\nMessages to self dropped with a full receive queue (each would have stopped that replica for good "
                + "without the guard): " + java.util.Arrays.toString(selfDropped));
        writeReport(report, pauses, heapPeak, relayedPeak);
        assertThat(pauses).as("leaders frozen").isNotEmpty();
        if (soakMinutes == 0) {
            assertThat(skipped).as("pauses skipped because the group was not whole").isZero();
        }
        for (Pause pause : pauses) {
            assertThat(pause.rejoinMillis).as("replica %d rejoined after resuming", pause.replica)
                    .isLessThanOrEqualTo(REJOIN_BOUND.toMillis());
            assertThat(pause.longestStallMillis).as("longest stall while replica %d was frozen", pause.replica)
                    .isLessThanOrEqualTo(LONGEST_STALL.toMillis());
        }
        awaitEveryReplicaReady(started, report);
        awaitSameDigestRestartingEnded(started, report);
        List<String> reference = cluster.log(0, TAG);
        assertThat(reference).as("the retained log").hasSize((int) Math.min(appended, RETAINED_EVENTS));
        assertThat(reference.get(reference.size() - 1)).as("the last event's channel seq: every acknowledged event was ordered")
                .startsWith(appended + " ");
        for (int r = 1; r < cluster.n(); r++) {
            assertThat(cluster.log(r, TAG)).as("replica %d's log", r).isEqualTo(reference);
        }
        for (int r = 0; r < cluster.n(); r++) {
            assertThat(cluster.replica(r).alive()).as("replica %d is alive", r).isTrue();
            assertThat(Files.readString(cluster.replica(r).logFile(), StandardCharsets.UTF_8))
                    .as("replica %d's log", r).doesNotContain("OutOfMemoryError");
            String metrics = cluster.raw(r, "/actuator/prometheus").body();
            assertThat(metric(RELAYED_LIMIT, metrics)).as("replica %d bounds its relayed leader-change requests", r).isPositive();
            assertThat(relayedPeak[r]).as("relayed leader-change bytes held by replica %d", r)
                    .isLessThanOrEqualTo((long) metric(RELAYED_LIMIT, metrics));
        }
    }

    /**
     * A leader change that orders nothing makes the next one wait twice as long, and the group's
     * first decision puts the timeout back. Forced here: the replica that would lead the next
     * regency is killed, then the leader frozen until the two others ask for that regency; once
     * resumed it joins them, the regency goes to the dead replica, nothing is ordered, and the
     * regency after it (a live leader) must run with twice the ordering timeout.
     */
    @Test
    @Order(2)
    void aLeaderChangeThatOrdersNothingDoublesTheNextTimeoutUntilTheGroupOrdersAgain() throws Exception {
        awaitEveryReplicaReady(System.nanoTime(), new ArrayList<>());
        // the previous test's last frozen leader may still be replaying: two faults at once otherwise
        assertThat(groupWhole()).as("every replica executing close behind the others: %s", lastConsensusIds()).isTrue();
        int leader = leader();
        int nextLeader = (leader + 1) % cluster.n();
        long[] logOffsets = new long[cluster.n()];
        for (int r = 0; r < cluster.n(); r++) {
            logOffsets[r] = Files.size(cluster.replica(r).logFile());
        }
        try (ContinuousLoad load = new ContinuousLoad(client, TAG, probes, EVENTS_PER_REQUEST, CI_THINK)) {
            load.start();
            awaitMoreRequests(load, 20);
            cluster.replica(nextLeader).kill();
            awaitMoreRequests(load, 20);
            cluster.replica(leader).suspend();
            try {
                Thread.sleep(5000); // the two others time out and ask for the next regency meanwhile
            } finally {
                cluster.replica(leader).resume();
            }
            awaitMoreRequests(load, 50);
            load.close();
            // For the 5 s of the freeze two replicas are out, one more than f = 1: the group owes
            // no progress then, and a request in flight may time out at the client (seen once in
            // CI: 2 of some 3,000). What must hold is that ordering resumes, checked above, and
            // that every replica agrees afterwards, checked below.
            System.out.printf(Locale.ROOT, "two replicas out for 5 s: %d requests failed at the client %s%n",
                    load.failures().size(), load.failures());
        }
        for (int r = 0; r < cluster.n(); r++) {
            if (r == nextLeader) {
                continue;
            }
            final int replica = r;
            byte[] bytes = Files.readAllBytes(cluster.replica(r).logFile());
            String log = new String(bytes, (int) logOffsets[r], bytes.length - (int) logOffsets[r], StandardCharsets.UTF_8);
            assertThat(log).as("replica %d's log", r).contains("nothing ordered since the previous leader change: "
                    + "this replica now waits 2000 ms (ordering timeout 1000 ms)");
            BrokerCluster.await("replica " + r + "'s ordering timeout back to 1 s", STARTUP,
                    () -> orderingTimeoutSeconds(replica) == 1.0);
        }
        cluster.replica(nextLeader).start();
        BrokerCluster.await("restarted replica " + nextLeader + " to report READY", STARTUP, () -> cluster.ready(nextLeader));
        GatewayTicks.awaitSameDigest(cluster, client, List.of(0, 1, 2, 3), STARTUP);
    }

    /**
     * What compose's restart policy and Kubernetes do: a replica whose process ended is started
     * again (it ends itself when the library's message thread has died). It comes back empty here
     * (no data directory) and catches up by state transfer.
     */
    /**
     * Every replica READY, starting again any whose process ended meanwhile: a replica ends itself
     * when the library's message thread can no longer order (seen right after the load, once, in
     * CI), and it may do so after the last look of the supervising loop.
     */
    private void awaitEveryReplicaReady(long started, List<String> report) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            superviseReplicas(started, report);
            if (cluster.readyCount() == cluster.n()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + STARTUP.toSeconds() + " s waiting for every replica to"
                        + " report READY (" + restarts + " restarts)");
            }
            Thread.sleep(500);
        }
    }

    /**
     * The final agreement, while Ticks are ordered as a gateway would; a replica that ends itself
     * meanwhile (the library's endless proposal wait, see {@code EndlessLibraryWait}) is started
     * again, as it is after the load: that fail-stop and restart is the designed recovery.
     */
    private void awaitSameDigestRestartingEnded(long started, List<String> report) throws InterruptedException {
        List<Integer> all = List.of(0, 1, 2, 3);
        try (GatewayTicks ticks = GatewayTicks.start(client)) {
            BrokerCluster.await("replicas " + all + " to report the same state digest", STARTUP, () -> {
                try {
                    superviseReplicas(started, report);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return cluster.sameDigest(all);
            });
        } catch (AssertionError e) {
            throw GatewayTicks.whereEachStands(cluster, all, e);
        }
    }

    private void superviseReplicas(long started, List<String> report) throws IOException {
        for (int r = 0; r < cluster.n(); r++) {
            if (!cluster.replica(r).alive()) {
                restarts++;
                String line = String.format(Locale.ROOT, "%.0f s: replica %d had ended (see its log); started again",
                        (System.nanoTime() - started) / 1e9, r);
                System.out.println(line);
                report.add(line);
                cluster.replica(r).start();
            }
        }
    }

    private record Pause(int replica, long rejoinMillis, long longestStallMillis, long[] lastConsensusAtResume) {
    }

    /** Freezes whichever replica leads, resumes it, and measures how long it takes to catch up. */
    /**
     * One fault at a time (f = 1): the next leader is frozen only once every replica is up and
     * executing close behind the others. Under a soak's overload a replica that replays a backlog
     * can stay behind the head for minutes while still executing; then the pause is skipped.
     */
    private boolean groupWhole() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            // Two rounds of reads: the replicas are read one after the other while the group orders
            // hundreds of instances a second, so one round's spread says little. A replica close
            // behind has, in the second round, reached where the farthest was in the first.
            List<Long> first = lastConsensusIds();
            List<Long> second = lastConsensusIds();
            long lowest = second.stream().mapToLong(Long::longValue).min().orElse(-1);
            long highest = first.stream().mapToLong(Long::longValue).max().orElse(-1);
            if (cluster.readyCount() == cluster.n() && lowest >= 0 && highest - lowest < 200) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private List<Long> lastConsensusIds() {
        List<Long> out = new ArrayList<>();
        for (int r = 0; r < cluster.n(); r++) {
            out.add(lastConsensusId(r));
        }
        return out;
    }

    private Pause pauseLeaderAndAwaitRejoin(ContinuousLoad load) throws Exception {
        int leader = leader();
        long frozenAt = System.nanoTime();
        cluster.replica(leader).suspend();
        try {
            Thread.sleep(PAUSE.toMillis());
        } finally {
            cluster.replica(leader).resume();
        }
        long resumedAt = System.nanoTime();
        long stall = load.longestPauseMillis(frozenAt, resumedAt);
        long[] atResume = new long[cluster.n()];
        for (int r = 0; r < cluster.n(); r++) {
            atResume[r] = lastConsensusId(r);
        }
        long target = -1;
        for (int r = 0; r < cluster.n(); r++) {
            if (r != leader) {
                target = Math.max(target, atResume[r]);
            }
        }
        long deadline = resumedAt + REJOIN_BOUND.plusSeconds(60).toNanos();
        long rejoined = -1;
        while (System.nanoTime() < deadline) {
            if (lastConsensusId(leader) >= target) {
                rejoined = (System.nanoTime() - resumedAt) / 1_000_000;
                break;
            }
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "replica %d frozen %d s as leader: longest stall %d ms; consensus at resume %s; "
                        + "rejoined after %s%n", leader, PAUSE.toSeconds(), stall, java.util.Arrays.toString(atResume),
                rejoined < 0 ? "never (gave up)" : rejoined + " ms");
        return new Pause(leader, rejoined < 0 ? Long.MAX_VALUE : rejoined, stall, atResume);
    }

    /** The replica that leads now: each replica reports its regency's leader. */
    private int leader() {
        for (int r = 0; r < cluster.n(); r++) {
            var status = cluster.replicaStatus(r);
            if (status != null && status.has("leader")) {
                return status.get("leader").asInt();
            }
        }
        return 0;
    }

    private long lastConsensusId(int replica) {
        var status = cluster.replicaStatus(replica);
        return status == null ? -1 : status.get("lastConsensusId").asLong();
    }

    private String sample(long started, long[] heapPeak, long[] relayedPeak, ContinuousLoad load) {
        StringBuilder row = new StringBuilder();
        row.append(String.format(Locale.ROOT, "| %5.0f | %6d |", (System.nanoTime() - started) / 1e9, load.completedRequests()));
        for (int r = 0; r < cluster.n(); r++) {
            try {
                String metrics = cluster.raw(r, "/actuator/prometheus").body();
                long heap = (long) sum(HEAP_USED, metrics);
                long relayed = (long) metric(RELAYED, metrics);
                heapPeak[r] = Math.max(heapPeak[r], heap);
                relayedPeak[r] = Math.max(relayedPeak[r], relayed);
                row.append(String.format(Locale.ROOT, " %d / %d MiB, %d KiB relayed |", heap >> 20,
                        (long) sum(HEAP_MAX, metrics) >> 20, relayed >> 10));
            } catch (IOException e) {
                row.append(" (no answer) |");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                row.append(" (interrupted) |");
            }
        }
        return row.toString();
    }

    private void writeReport(List<String> samples, List<Pause> pauses, long[] heapPeak, long[] relayedPeak) throws IOException {
        StringBuilder out = new StringBuilder("# Leader pauses under load\n\n");
        out.append("| replica frozen | longest stall (ms) | rejoined after (ms) |\n|---|---|---|\n");
        for (Pause p : pauses) {
            out.append("| ").append(p.replica).append(" | ").append(p.longestStallMillis).append(" | ")
                    .append(p.rejoinMillis == Long.MAX_VALUE ? "never" : Long.toString(p.rejoinMillis)).append(" |\n");
        }
        out.append("\n| s | requests | replica 0 heap | replica 1 heap | replica 2 heap | replica 3 heap |\n");
        out.append("|---|---|---|---|---|---|\n");
        samples.forEach(s -> out.append(s).append('\n'));
        out.append("\nPeak heap used (MiB): ");
        for (int r = 0; r < heapPeak.length; r++) {
            out.append(r == 0 ? "" : ", ").append(heapPeak[r] >> 20);
        }
        out.append("; peak relayed leader-change bytes: ");
        for (int r = 0; r < relayedPeak.length; r++) {
            out.append(r == 0 ? "" : ", ").append(relayedPeak[r]);
        }
        out.append('\n');
        Files.writeString(Path.of("target", "leader-pause-soak.md"), out.toString());
        System.out.print(out);
    }

    /** The replica's ordering timeout in force as its metrics say; -1 if it does not answer. */
    private double orderingTimeoutSeconds(int replica) {
        try {
            return metric(ORDERING_TIMEOUT, cluster.raw(replica, "/actuator/prometheus").body());
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static double metric(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(m.groupCount())) : 0;
    }

    private static double sum(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Math.max(0, Double.parseDouble(m.group(1)));
        }
        return total;
    }

    private static void awaitMoreRequests(ContinuousLoad load, long more) throws InterruptedException {
        long target = load.completedRequests() + more;
        BrokerCluster.await(more + " more requests to complete", STARTUP, () -> load.completedRequests() >= target);
    }

}
