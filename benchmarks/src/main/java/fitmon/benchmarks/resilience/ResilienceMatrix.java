package fitmon.benchmarks.resilience;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import fitmon.benchmarks.load.ProbePool;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code benchmarks/bin/resilience}: the scenario matrix against a running {@code fitmon local --lab}.
 * Exit 0 when no scenario has an error, 1 when one has, 2 on bad options, 3 when the suite is not
 * there.
 */
@Command(name = "resilience", mixinStandardHelpOptions = true,
        description = {"Run the resilience matrix against a running `./fitmon-local --lab --no-demo`: per scenario, probes publish at a steady rate to a new BFT channel, voting consoles record what they release, and from a quarter to three quarters of the run the leader crashes, freezes, lies or is cut off from its peers (fitmon lab).",
                "Then the checker reports, per scenario, events lost, forged, altered, reordered, duplicated or released unverified (all must be 0), the longest stall a console saw, and the replicas the consoles named."},
        footer = {"", "Scenarios: baseline, crash-leader, pause-leader, alter-leader, equivocate-leader, replay-leader, drop-leader, delay-leader, reorder-leader, wrong-replies-leader, lying-reads-leader;",
                "with f = 2 (n = 7) also each lie plus a crash of another replica: alter-leader+crash … lying-reads-leader+crash. `all` runs every scenario the group's f tolerates.",
                "Exit codes: 0 no errors, 1 a scenario had errors, 2 usage, 3 no suite."})
public final class ResilienceMatrix implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Option(names = "--gateway", defaultValue = "http://localhost:8081", description = "The gateway (default ${DEFAULT-VALUE}).")
    String gateway;

    @Option(names = "--admin-key", defaultValue = ".fitmon-local/admin-key.json", description = "The admin key file (default ${DEFAULT-VALUE}).")
    Path adminKey;

    @Option(names = "--data", defaultValue = ".fitmon-local", description = "The suite's data directory, for fitmon lab (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--scenarios", defaultValue = "all", description = "Comma-separated scenario names, or all (default).")
    String scenarios;

    @Option(names = "--seconds", defaultValue = "60", description = "Load per scenario, in seconds (default ${DEFAULT-VALUE}); the fault runs in its middle half.")
    int seconds;

    @Option(names = "--rate", defaultValue = "40", description = "Events per second over all probes (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--probes", defaultValue = "4", description = "Probe identities publishing (default ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--consoles", defaultValue = "2", description = "Voting consoles recording (default ${DEFAULT-VALUE}; equivocation needs 2).")
    int consoles;

    @Option(names = "--probe-cache", defaultValue = ".fitmon-bench/probes", description = "Where probe identities are kept between runs (default ${DEFAULT-VALUE}).")
    Path probeCache;

    @Option(names = "--out", description = "Write the findings as JSON here.")
    Path out;

    @Option(names = "--markdown", description = "Write the table as markdown here (it is printed too).")
    Path markdown;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ResilienceMatrix()).setExitCodeExceptionMapper(e -> 2).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 8 || rate <= 0 || probes < 1 || consoles < 1) {
            System.err.println("resilience: --seconds must be 8 or more, --rate, --probes and --consoles positive");
            return 2;
        }
        GatewayClient admin;
        try {
            admin = GatewayClient.builder(gateway).apiKey(ApiKey.read(adminKey)).requestTimeout(Duration.ofSeconds(30)).build();
            admin.get("/api/v1/cluster");
        } catch (IOException | RuntimeException e) {
            System.err.println("resilience: no suite to run against (" + e.getMessage() + "); start one with"
                    + " ./fitmon-local --lab --no-demo, or give --gateway and --admin-key");
            return 3;
        }
        List<Scenario> chosen;
        try {
            chosen = Scenario.select(scenarios, admin.get("/api/v1/cluster").get("f").asInt());
        } catch (IllegalArgumentException e) {
            System.err.println("resilience: " + e.getMessage());
            return 2;
        }
        String runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);
        List<Findings> rows = run(admin, new LabFaults(data), chosen,
                new ResilienceRun.Settings(Duration.ofSeconds(seconds), rate, probes, consoles, runId), probeCache);
        String table = MatrixReport.markdown(rows);
        System.out.print(table);
        if (markdown != null) {
            Files.writeString(markdown, table);
        }
        if (out != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("runId", runId);
            report.put("at", Instant.now().toString());
            report.put("gateway", gateway);
            report.put("seconds", seconds);
            report.put("rate", rate);
            report.put("probes", probes);
            report.put("consoles", consoles);
            report.put("scenarios", rows);
            Files.writeString(out, JSON.writeValueAsString(report));
        }
        return rows.stream().allMatch(Findings::ok) ? 0 : 1;
    }

    /** Every scenario in turn; what the matrix and its test share. */
    public static List<Findings> run(GatewayClient admin, Faults faults, List<Scenario> scenarios,
                                     ResilienceRun.Settings settings, Path probeCache) throws Exception {
        ResilienceRun run = new ResilienceRun(admin, faults, settings,
                new ProbePool(admin, probeCache, ResilienceMatrix::say), ResilienceMatrix::say);
        List<Findings> rows = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            rows.add(run.run(scenario));
        }
        return rows;
    }

    private static void say(String line) {
        System.out.println("resilience: " + line);
        System.out.flush();
    }
}
