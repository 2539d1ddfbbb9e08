package fitmon.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import fitmon.client.channel.ChannelAdmin;
import fitmon.client.console.ConsoleClient;
import fitmon.client.http.ApiKey;
import fitmon.client.http.FitmonClientException;
import fitmon.client.http.GatewayClient;
import fitmon.client.local.LocalSuite;
import fitmon.core.channel.ChannelClass;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The end-to-end load generator: sets up bench channels and probe identities on a running fitmon,
 * runs every (class, batch, workers) step with a voting console checking deliveries, runs the
 * baselines at the same worker counts and request sizes, and writes JSON and a markdown table.
 * {@code --help} lists the options.
 */
public final class LoadBench {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final LoadOptions options;
    private final PrintStream out;
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);

    public LoadBench(LoadOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            System.err.println("load: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(LoadOptions.HELP);
            return;
        }
        try {
            Results.Report report = new LoadBench(options, System.out).run();
            System.exit(options.smoke() && !report.correctness().ok() ? 1 : 0);
        } catch (SetupException e) {
            System.err.println("load: " + e.getMessage());
            System.exit(3);
        } catch (Exception e) {
            System.err.println("load: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** A precondition that does not hold (no gateway, no key, a baseline server down): said in one line. */
    static final class SetupException extends Exception {
        SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Results.Report run() throws Exception {
        String loadBefore = loadAverage();
        GatewayClient admin = adminClient();
        Map<String, Long> processes = findProcesses();
        List<String> replicaFlags = replicaJvmFlags();
        say("run " + runId + " against " + options.gateway() + "; processes " + processes);

        List<Baseline> baselines = new ArrayList<>();
        List<String> channels = new ArrayList<>();
        ConsoleClient console = null;
        DeliveryCheck check = options.console() ? new DeliveryCheck() : null;
        List<Results.FitmonStep> fitmonSteps = new ArrayList<>();
        List<Results.BaselineStep> baselineSteps = new ArrayList<>();
        try {
            for (BaselineKind kind : options.baselines()) {
                if (options.classes().stream().noneMatch(kind::judges)) {
                    say("baseline " + kind.optionName() + " left out: it judges none of " + options.classes());
                    continue;
                }
                Baseline baseline = baseline(kind, replicaFlags);
                baselines.add(baseline);
                try {
                    baseline.start();
                } catch (Exception e) {
                    throw new SetupException("baseline " + kind.optionName() + " cannot start: " + e.getMessage(), e);
                }
                say("baseline " + kind.optionName() + ": " + baseline.setup());
            }
            int maxWorkers = options.workers().stream().mapToInt(Integer::intValue).max().orElseThrow();
            long setupStart = System.nanoTime();
            List<BenchProbe> probes = new ProbePool(admin, options.probeCache(), this::say).probes(maxWorkers);
            Map<ChannelClass, String> tags = new LinkedHashMap<>();
            ChannelAdmin channelAdmin = new ChannelAdmin(admin);
            for (ChannelClass channelClass : options.classes()) {
                String tag = "bench." + channelClass.name().toLowerCase(Locale.ROOT).replace('_', '-') + "." + runId;
                channelAdmin.create(new ChannelAdmin.ChannelSpec(tag, channelClass, 86_400L, Math.max(100, maxWorkers),
                        null, options.retentionEvents(), (long) options.retentionEvents() * options.eventBytes() * 2));
                channels.add(tag);
                tags.put(channelClass, tag);
                ProbePool.registerAll(probes, tag);
            }
            if (check != null) {
                console = ConsoleClient.open(admin, check);
                for (Map.Entry<ChannelClass, String> entry : tags.entrySet()) {
                    check.follow(entry.getValue(), entry.getKey().ordered());
                    console.subscribe(entry.getValue());
                }
                // the STOMP subscriptions reach the replicas asynchronously
                Thread.sleep(2000);
            }
            say(String.format(Locale.ROOT, "set up %d probes and %d channels in %.1f s", probes.size(), tags.size(),
                    (System.nanoTime() - setupStart) / 1e9));

            Map<String, Results.BaselineStep> baselineDone = new LinkedHashMap<>();
            for (Map.Entry<ChannelClass, String> entry : tags.entrySet()) {
                for (int batch : options.batches()) {
                    for (int workers : options.workers()) {
                        for (boolean batchSigned : options.batchSignatures()) {
                            if (batchSigned && batch == 1) {
                                continue; // one event is signed alone either way
                            }
                            fitmonSteps.add(fitmonStep(entry.getKey(), entry.getValue(), probes.subList(0, workers),
                                    batch, batchSigned, check, processes));
                        }
                        for (Baseline baseline : baselines) {
                            int payload = options.eventBytes() * batch;
                            String key = baseline.kind() + "/" + workers + "/" + payload;
                            if (baseline.kind().judges(entry.getKey()) && !baselineDone.containsKey(key)) {
                                Results.BaselineStep step = baselineStep(baseline, workers, payload);
                                baselineDone.put(key, step);
                                baselineSteps.add(step);
                            }
                        }
                    }
                }
            }
        } finally {
            if (console != null) {
                console.close();
            }
            for (Baseline baseline : baselines) {
                baseline.close();
            }
            if (!options.keepChannels()) {
                deleteChannels(admin, channels);
            }
        }
        Results.Report report = new Results.Report(machine(loadBefore), settings(), processes, replicaFlags,
                fitmonSteps, baselineSteps, Verdict.of(fitmonSteps, baselineSteps, check, options.console()));
        write(report);
        return report;
    }

    private Results.FitmonStep fitmonStep(ChannelClass channelClass, String tag, List<BenchProbe> probes, int batch,
                                          boolean batchSigned, DeliveryCheck check, Map<String, Long> processes)
            throws Exception {
        int workers = probes.size();
        String label = channelClass + " w" + workers + " b" + batch + (batchSigned ? " batch-signed" : "");
        List<EventData> data = new ArrayList<>();
        for (BenchProbe probe : probes) {
            data.add(EventData.sized(probe.probeId(), tag, options.eventBytes()));
        }
        DeliveryCheck.Step step = new DeliveryCheck.Step(label);
        double requestRate = options.rate() / batch;
        LoadDriver.Plan plan = new LoadDriver.Plan(label, "events", workers, options.inFlight(), requestRate, batch,
                options.warmup(), options.duration(), options.progress());
        ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(processes);
        say(label + ": " + (options.openLoop() ? "open loop at " + options.rate() + " events/s" : "closed loop")
                + ", " + options.inFlight() + " in flight per worker, envelopes of " + data.get(0).envelopeBytes() + " bytes");
        LoadDriver.Measurement m = LoadDriver.run(plan, new FitmonRequests(probes, data, tag, batch, batchSigned, check, step),
                this::say, cpu);
        Results.Delivery delivery = null;
        Results.Latency voted = null;
        if (check != null) {
            long drainStart = System.nanoTime();
            boolean drained = check.awaitDelivered(step, options.drain().toNanos());
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            long missing = step.acknowledged.sum() - step.acknowledgedDelivered.sum();
            delivery = new Results.Delivery(step.sent.sum(), step.acknowledged.sum(), step.delivered.sum(), missing,
                    step.duplicates.sum(), step.notVerified.sum(), drained, drainSeconds,
                    missing > 0 ? check.missing(step) : List.of());
            voted = Results.Latency.of(step.votedMicros);
        }
        Results.Latency accepted = Results.Latency.of(m.latencyMicros());
        Results.FitmonStep result = new Results.FitmonStep(channelClass.name(), tag, workers, options.inFlight(), batch, batchSigned,
                options.openLoop() ? "open" : "closed", options.rate(), data.get(0).envelopeBytes(), m.seconds(),
                m.requests(), m.accepted(), m.acceptedPerSecond(), m.requestsPerSecond(), m.refused(), m.errors(),
                accepted, voted, delivery, cpu.use());
        say(String.format(Locale.ROOT, "%s: %,.0f events/s, →202 p50 %.1f p99 %.1f ms%s, refused %s, errors %s%s",
                label, result.eventsPerSecond(), accepted.p50(), accepted.p99(),
                voted == null ? "" : String.format(Locale.ROOT, ", →voted p50 %.1f p99 %.1f ms", voted.p50(), voted.p99()),
                m.refused(), m.errors(), delivery == null ? "" : ", console: " + delivery.delivered() + " of "
                        + delivery.acknowledged() + " acknowledged delivered" + (delivery.drained() ? "" : " (NOT DRAINED)")));
        if (m.errors().keySet().stream().anyMatch(e -> e.contains("RATE_LIMITED"))) {
            say("the gateway's per-principal rate limit refused requests (429 RATE_LIMITED): to measure the engine, start "
                    + "the suite with FITMON_GATEWAY_ADMISSION_PERMITSPERSECOND=1000000 FITMON_GATEWAY_ADMISSION_BURST=1000000");
        }
        return result;
    }

    private Results.BaselineStep baselineStep(Baseline baseline, int workers, int payload) throws Exception {
        String label = baseline.kind().optionName() + " w" + workers + " " + payload + "B";
        Map<String, Long> pids = new LinkedHashMap<>(baseline.serverProcesses());
        pids.put("generator", ProcessHandle.current().pid());
        ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(pids);
        LoadDriver.Plan plan = new LoadDriver.Plan(label, "ops", workers, 1, 0, 1, options.warmup(), options.duration(),
                options.progress());
        LoadDriver.Measurement m;
        try (Baseline.Clients clients = baseline.clients(workers, payload)) {
            m = LoadDriver.run(plan, clients, this::say, cpu);
        }
        Results.Latency latency = Results.Latency.of(m.latencyMicros());
        say(String.format(Locale.ROOT, "%s: %,.0f ops/s, p50 %.1f p99 %.1f ms, errors %s", label, m.acceptedPerSecond(),
                latency.p50(), latency.p99(), m.errors()));
        return new Results.BaselineStep(baseline.kind().optionName(), baseline.setup(), workers, payload, m.seconds(),
                m.accepted(), m.acceptedPerSecond(), m.refused(), m.errors(), latency, cpu.use());
    }

    private GatewayClient adminClient() throws SetupException {
        ApiKey key;
        try {
            key = ApiKey.read(options.adminKey());
        } catch (IOException e) {
            throw new SetupException("cannot read the admin key " + options.adminKey() + " (" + e.getMessage()
                    + "); start the suite with ./fitmon-local, or give --admin-key", e);
        }
        GatewayClient admin;
        try {
            GatewayClient.Builder builder = GatewayClient.builder(options.gateway()).apiKey(key)
                    .requestTimeout(Duration.ofSeconds(30));
            if (options.caFile() != null) {
                builder.tls(fitmon.core.pki.CaTrust.sslContext(options.caFile()));
            }
            admin = builder.build();
            admin.get("/api/v1/cluster");
        } catch (FitmonClientException | IllegalArgumentException e) {
            throw new SetupException("the gateway at " + options.gateway() + " does not answer as expected: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new SetupException("cannot read the CA certificate " + options.caFile() + " (" + e.getMessage() + ")", e);
        }
        return admin;
    }

    private Map<String, Long> findProcesses() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (options.pids().isEmpty()) {
            SuiteProcesses.scan().fitmon(options.gateway()).forEach((name, line) -> pids.put(name, line.pid()));
        } else {
            pids.putAll(options.pids());
        }
        pids.put("generator", ProcessHandle.current().pid());
        return pids;
    }

    /** The flags given, else those of the suite's replica 0, else those the local suite gives its replicas. */
    private List<String> replicaJvmFlags() {
        if (options.replicaJvmFlags() != null) {
            return options.replicaJvmFlags();
        }
        SuiteProcesses.CommandLine replica = SuiteProcesses.scan().fitmon(options.gateway()).get("replica-0");
        if (replica != null) {
            return replica.jvmFlags();
        }
        List<String> fallback = LocalSuite.HOT_PATH_JVM_OPTIONS;
        say("no replica process of the suite found: the raw replicas run with " + fallback);
        return fallback;
    }

    private Baseline baseline(BaselineKind kind, List<String> replicaFlags) throws IOException {
        Map<String, Long> brokers = SuiteProcesses.scan().brokers();
        return switch (kind) {
            case RAW_BFT -> new RawBftBaseline(replicaFlags, replicaClasspath(),
                    Files.createTempDirectory("fitmon-raw-bft-"), this::say);
            case NATS -> new NatsBaseline(options.natsUrl(), pick(brokers, "nats-server"));
            case RABBITMQ -> new RabbitMqBaseline(options.rabbitUri(), pick(brokers, "rabbitmq (beam.smp)"));
        };
    }

    private static Map<String, Long> pick(Map<String, Long> all, String name) {
        return all.containsKey(name) ? Map.of(name, all.get(name)) : Map.of();
    }

    /** The jar this class runs from, unless told otherwise. */
    private String replicaClasspath() {
        if (options.replicaClasspath() != null) {
            return options.replicaClasspath();
        }
        try {
            Path source = Path.of(LoadBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(source) ? source.toString() : System.getProperty("java.class.path");
        } catch (Exception e) {
            return System.getProperty("java.class.path");
        }
    }

    private void deleteChannels(GatewayClient admin, List<String> channels) {
        ChannelAdmin channelAdmin = new ChannelAdmin(admin);
        for (String tag : channels) {
            try {
                channelAdmin.delete(tag);
            } catch (RuntimeException e) {
                say("could not delete channel " + tag + ": " + e.getMessage());
            }
        }
    }

    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("runId", runId);
        settings.put("gateway", options.gateway());
        settings.put("classes", options.classes());
        settings.put("workers", options.workers());
        settings.put("inFlight", options.inFlight());
        settings.put("loop", options.openLoop() ? "open" : "closed");
        settings.put("rateEventsPerSecond", options.rate());
        settings.put("batches", options.batches());
        settings.put("batchSignatures", options.batchSignatures());
        settings.put("eventBytes", options.eventBytes());
        settings.put("warmupSeconds", options.warmup().toMillis() / 1000.0);
        settings.put("durationSeconds", options.duration().toMillis() / 1000.0);
        settings.put("console", options.console());
        settings.put("baselines", options.baselines().stream().map(BaselineKind::optionName).toList());
        settings.put("smoke", options.smoke());
        return settings;
    }

    private void write(Results.Report report) throws IOException {
        String table = MarkdownReport.render(report);
        out.println();
        out.print(table);
        if (!report.correctness().ok()) {
            out.println("CORRECTNESS FAILED: " + report.correctness().failures());
        }
        if (options.out() != null) {
            createParent(options.out());
            Files.writeString(options.out(), JSON.writeValueAsString(report) + "\n");
            say("wrote " + options.out());
        }
        if (options.markdown() != null) {
            createParent(options.markdown());
            Files.writeString(options.markdown(), table);
            say("wrote " + options.markdown());
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static Results.Machine machine(String loadBefore) {
        return new Results.Machine(Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(),
                System.getProperty("java.version"), System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Instant.now().toString());
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println("load: " + line);
            out.flush();
        }
    }
}
