package fitmon.benchmarks.resilience;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import fitmon.benchmarks.load.BenchProbe;
import fitmon.benchmarks.load.ProbePool;
import fitmon.client.channel.ChannelAdmin;
import fitmon.client.console.ConsoleClient;
import fitmon.client.http.GatewayClient;
import fitmon.core.channel.ChannelClass;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs scenarios one after the other against one running suite: for each, a new BFT channel, the
 * probes publishing at a steady rate, several voting consoles recording what they release, the
 * scenario's fault on the leader from a quarter to three quarters of the run, a drain, and the
 * checker's findings.
 */
public final class ResilienceRun {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration DRAIN = Duration.ofSeconds(60);

    /**
     * @param duration how long the load runs per scenario
     * @param rate     events per second over all probes
     */
    public record Settings(Duration duration, double rate, int probes, int consoles, String runId) {
    }

    private final GatewayClient admin;
    private final Faults faults;
    private final Settings settings;
    private final Consumer<String> say;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<BenchProbe> probes;

    public ResilienceRun(GatewayClient admin, Faults faults, Settings settings, ProbePool pool, Consumer<String> say)
            throws Exception {
        this.admin = admin;
        this.faults = faults;
        this.settings = settings;
        this.say = say;
        this.probes = pool.probes(settings.probes());
    }

    public Findings run(Scenario scenario) throws Exception {
        String tag = scenario.channelTag(settings.runId());
        ChannelAdmin channels = new ChannelAdmin(admin);
        channels.create(new ChannelAdmin.ChannelSpec(tag, ChannelClass.BFT, 86_400L, Math.max(100, probes.size()),
                null, 1_000_000, 1L << 30));
        ProbePool.registerAll(probes, tag);
        History history = new History(tag);
        List<ConsoleClient> consoles = new ArrayList<>();
        int victim = -1;
        long loadStart;
        long loadEnd;
        try {
            for (int i = 0; i < settings.consoles(); i++) {
                ConsoleClient console = ConsoleClient.open(admin, history.newConsole());
                console.subscribe(tag);
                consoles.add(console);
            }
            Thread.sleep(2000); // the STOMP subscriptions reach the replicas asynchronously
            long quarter = settings.duration().toNanos() / 4;
            say.accept(scenario.name() + ": " + settings.probes() + " probes at " + settings.rate() + " events/s for "
                    + settings.duration().toSeconds() + " s, " + settings.consoles() + " consoles; " + scenario.describe()
                    + " from " + quarter / 1_000_000_000 + " s to " + 3 * quarter / 1_000_000_000 + " s");
            try (SteadyLoad load = new SteadyLoad(probes, history, settings.rate())) {
                loadStart = System.nanoTime();
                load.start();
                sleepUntil(loadStart + quarter);
                if (scenario.fault() != Scenario.Fault.NONE) {
                    victim = leader();
                    begin(scenario, victim);
                }
                int other = (victim + 1) % n();
                if (scenario.crashAnother()) {
                    say.accept(scenario.name() + ": replica " + other + " killed as well");
                    faults.kill(other);
                }
                sleepUntil(loadStart + 3 * quarter);
                if (scenario.fault() != Scenario.Fault.NONE) {
                    end(scenario, victim);
                }
                if (scenario.crashAnother()) {
                    faults.restart(other);
                    say.accept(scenario.name() + ": replica " + other + " restarted");
                }
                sleepUntil(loadStart + 4 * quarter);
                loadEnd = System.nanoTime();
            }
            long drainEnd = System.nanoTime() + DRAIN.toNanos();
            while (System.nanoTime() < drainEnd
                    && !history.consoles.stream().allMatch(c -> c.releasedAll(history.acknowledged))) {
                Thread.sleep(200);
            }
        } finally {
            consoles.forEach(ConsoleClient::close);
        }
        Findings findings = Checker.check(scenario, victim, history, loadStart, loadEnd);
        say.accept(scenario.name() + ": " + (findings.ok() ? "OK" : "ERRORS") + " — acknowledged "
                + findings.acknowledged() + " of " + findings.sent() + ", lost " + findings.lost() + ", forged "
                + findings.forged() + ", altered " + findings.altered() + ", reordered " + findings.reordered()
                + ", duplicated " + findings.duplicated() + ", longest stall " + findings.longestStallMillis()
                + " ms, named " + findings.named() + (findings.examples().isEmpty() ? "" : "; " + findings.examples()));
        try {
            channels.delete(tag);
        } catch (RuntimeException e) {
            say.accept("could not delete channel " + tag + ": " + e.getMessage());
        }
        return findings;
    }

    private void begin(Scenario scenario, int victim) throws Exception {
        say.accept(scenario.name() + ": fault on replica " + victim + " (the leader): " + scenario.describe());
        switch (scenario.fault()) {
            case CRASH -> faults.kill(victim);
            case PAUSE -> faults.pause(victim);
            case LIE -> faults.lie(victim, scenario.lie());
            case PARTITION -> faults.partition(victim, true);
            default -> throw new IllegalStateException(scenario.fault().name());
        }
    }

    private void end(Scenario scenario, int victim) throws Exception {
        switch (scenario.fault()) {
            case CRASH -> faults.restart(victim);
            case PAUSE -> faults.resume(victim);
            case LIE -> faults.lie(victim, "honest");
            case PARTITION -> faults.partition(victim, false);
            default -> throw new IllegalStateException(scenario.fault().name());
        }
        say.accept(scenario.name() + ": replica " + victim + " back to normal");
    }

    /** How many replicas the group has, as the gateway says. */
    int n() {
        return admin.get("/api/v1/cluster").get("n").asInt();
    }

    /** The replica most replicas name as leader now (their read API's {@code leader}). */
    int leader() throws Exception {
        JsonNode cluster = admin.get("/api/v1/cluster");
        Map<Integer, Integer> votes = new HashMap<>();
        for (JsonNode replica : cluster.get("replicas")) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create(replica.get("httpUrl").asString() + "/api/v1/replica"))
                        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode status = JSON.readTree(response.body());
                    if (status.path("leader").isNumber()) {
                        votes.merge(status.get("leader").asInt(), 1, Integer::sum);
                    }
                }
            } catch (java.io.IOException e) {
                // a replica down or frozen does not vote
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("no replica says who leads"));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
