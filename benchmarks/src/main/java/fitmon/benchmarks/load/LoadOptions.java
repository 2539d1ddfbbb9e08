package fitmon.benchmarks.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import fitmon.core.channel.ChannelClass;

/**
 * What one {@link LoadBench} invocation does; {@link #parse} reads the command line.
 *
 * @param rate            events/s over all workers (open loop), or 0 for a closed loop
 * @param eventBytes      target size of one envelope's JSON
 * @param replicaJvmFlags JVM flags for the raw BFT-SMaRt replicas, or null to take the suite replicas'
 * @param caFile          the fitmon CA certificate an https gateway is checked against, or null
 * @param pids            processes to report CPU for, by name; empty: found in /proc from the gateway URL
 * @param batchSignatures for requests of several events: whether to run each step with events signed
 *                        one by one ({@code false}) and/or with one signature per request ({@code true})
 */
public record LoadOptions(String gateway, Path adminKey, Path caFile, List<ChannelClass> classes, List<Integer> workers,
                          int inFlight, double rate, List<Integer> batches, List<Boolean> batchSignatures, Duration warmup, Duration duration,
                          Duration drain, Duration progress, int eventBytes, int retentionEvents, Path probeCache,
                          Set<BaselineKind> baselines, String natsUrl, String rabbitUri, List<String> replicaJvmFlags,
                          String replicaClasspath, Map<String, Long> pids, boolean console, boolean keepChannels,
                          Path out, Path markdown, boolean smoke) {

    static final String HELP = """
            Usage: bin/load [options]

            Drives a running fitmon (./fitmon-local --no-demo) with signed events from many probe
            identities, follows the channels with a voting console on every replica, checks that every
            acknowledged event is delivered voted exactly once (in order for ordered classes), and runs
            the baselines it is judged against in the same invocation.

            Target:
              --gateway URL            gateway (default http://localhost:8081)
              --admin-key FILE         admin API key file (default .fitmon-local/admin-key.json)
              --ca-file FILE           the fitmon CA certificate an https gateway is checked against
                                       (./fitmon-local: --gateway https://localhost:8443 --ca-file
                                       .fitmon-local/registry/ca.cert.pem)
              --probe-cache DIR        enrolled probe identities, reused across runs (default .fitmon-bench/probes)
              --pids NAME=PID,...      processes to report CPU for (default: found in /proc from the gateway's
                                       port: gateway, registry, replica-0..3)
            Load:
              --classes LIST           channel classes (default BFT,CFT_O,CFT_NO_U,CFT_NO_NU)
              --workers LIST           worker counts, one probe identity each (default 8)
              --in-flight C            requests in flight per worker (default 1; above 1 a probe's
                                       requests may reach the brokers out of SEQ order and be refused)
              --rate N                 open loop: N events/s over all workers, latency from the intended
                                       send time; 0 = closed loop (default 0)
              --batch LIST             events per request (default 1)
              --signatures LIST        for batches: event (each event signed alone) and/or batch (one
                                       signature over the request's Merkle root, sig.batch); a step
                                       per value (default event)
              --event-bytes N          envelope JSON size (default 300)
              --warmup D               warm-up per step (default 5s)
              --duration D             measured time per step (default 30s)
              --drain D                longest wait for the console to catch up after a step (default 30s)
              --progress D             progress line interval (default 5s)
              --retention-events N     events each replica keeps per bench channel (default 200000)
              --no-console             no voting console (no publish→voted figures, no delivery check)
              --keep-channels          do not delete the bench channels at the end
            Baselines (same workers, same bytes per request, closed loop, one in flight per worker):
              --baseline LIST          raw-bft,nats,rabbitmq or none (default raw-bft,nats,rabbitmq)
              --nats URL               NATS server with JetStream (default nats://127.0.0.1:4222)
              --rabbitmq URI           RabbitMQ (default amqp://guest:guest@127.0.0.1:5672)
              --replica-jvm-flags "F"  JVM flags of the raw replicas (default: those of the suite's replicas)
              --replica-classpath CP   classpath of the raw replicas (default: this jar)
            Output:
              --out FILE               every figure as JSON
              --markdown FILE          the summary table as markdown (also printed)
              --smoke                  a few seconds at a low rate on every class and baseline, for CI;
                                       exit 1 when a correctness check fails
              --help

            Durations: 500ms, 5s, 2m. Lists: comma-separated.
            """;

    /** Thrown for a bad command line; the message says what is wrong. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Null when {@code --help} was asked for. */
    public static LoadOptions parse(String[] args) throws UsageException {
        Map<String, String> given = new LinkedHashMap<>();
        Set<String> flags = Set.of("--no-console", "--keep-channels", "--smoke", "--help", "-h");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!name.startsWith("-")) {
                throw new UsageException("unexpected argument '" + arg + "' (options start with --; see --help)");
            }
            if (flags.contains(name)) {
                given.put(name, "true");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value (see --help)");
                }
                value = args[++i];
            }
            given.put(name, value);
        }
        if (given.containsKey("--help") || given.containsKey("-h")) {
            return null;
        }
        Reader r = new Reader(given);
        boolean smoke = r.flag("--smoke");
        LoadOptions options = new LoadOptions(
                r.string("--gateway", "http://localhost:8081"),
                Path.of(r.string("--admin-key", ".fitmon-local/admin-key.json")),
                r.path("--ca-file"),
                r.classes(),
                r.positiveInts("--workers", smoke ? "2" : "8", 512),
                r.positiveInt("--in-flight", "1", 64),
                r.rate(smoke ? "20" : "0"),
                r.positiveInts("--batch", smoke ? "1,5" : "1", 1000),
                r.signatures(smoke ? "event,batch" : "event"),
                r.duration("--warmup", smoke ? "1s" : "5s", true),
                r.duration("--duration", smoke ? "3s" : "30s", false),
                r.duration("--drain", smoke ? "20s" : "30s", true),
                r.duration("--progress", smoke ? "2s" : "5s", false),
                r.positiveInt("--event-bytes", "300", 64 * 1024),
                r.positiveInt("--retention-events", "200000", Integer.MAX_VALUE),
                Path.of(r.string("--probe-cache", ".fitmon-bench/probes")),
                r.baselines(),
                r.string("--nats", "nats://127.0.0.1:4222"),
                r.string("--rabbitmq", "amqp://guest:guest@127.0.0.1:5672"),
                r.jvmFlags(),
                r.string("--replica-classpath", null),
                r.pids(),
                !r.flag("--no-console"),
                r.flag("--keep-channels"),
                r.path("--out"),
                r.path("--markdown"),
                smoke);
        r.rejectUnknown();
        if (options.eventBytes() < 200) {
            throw new UsageException("--event-bytes must be at least 200: a signed envelope alone takes about that");
        }
        return options;
    }

    /** Whether steps pace requests at a target rate. */
    public boolean openLoop() {
        return rate > 0;
    }

    private static final class Reader {
        private final Map<String, String> given;
        private final Set<String> read = new LinkedHashSet<>();

        Reader(Map<String, String> given) {
            this.given = given;
        }

        String string(String name, String fallback) throws UsageException {
            read.add(name);
            String value = given.get(name);
            if (value != null && value.isBlank()) {
                throw new UsageException(name + " is empty");
            }
            return value == null ? fallback : value.strip();
        }

        boolean flag(String name) {
            read.add(name);
            return given.containsKey(name);
        }

        Path path(String name) throws UsageException {
            String value = string(name, null);
            return value == null ? null : Path.of(value);
        }

        int positiveInt(String name, String fallback, int max) throws UsageException {
            return parseInt(name, string(name, fallback), max);
        }

        List<Boolean> signatures(String fallback) throws UsageException {
            List<Boolean> modes = new ArrayList<>();
            for (String mode : string("--signatures", fallback).split(",")) {
                switch (mode.strip()) {
                    case "event" -> modes.add(false);
                    case "batch" -> modes.add(true);
                    default -> throw new UsageException("--signatures takes event and/or batch, not '" + mode.strip() + "'");
                }
            }
            return List.copyOf(new LinkedHashSet<>(modes));
        }

        List<Integer> positiveInts(String name, String fallback, int max) throws UsageException {
            List<Integer> values = new ArrayList<>();
            for (String part : string(name, fallback).split(",")) {
                values.add(parseInt(name, part.strip(), max));
            }
            return List.copyOf(new LinkedHashSet<>(values));
        }

        private static int parseInt(String name, String text, int max) throws UsageException {
            try {
                int value = Integer.parseInt(text);
                if (value < 1 || value > max) {
                    throw new UsageException(name + " must be between 1 and " + max + ", got " + text);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " takes whole numbers, got '" + text + "'");
            }
        }

        double rate(String fallback) throws UsageException {
            String text = string("--rate", fallback);
            try {
                double value = Double.parseDouble(text);
                if (!(value >= 0) || Double.isInfinite(value)) {
                    throw new UsageException("--rate must be 0 (closed loop) or a positive number of events/s, got " + text);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new UsageException("--rate takes a number of events/s, got '" + text + "'");
            }
        }

        Duration duration(String name, String fallback, boolean zeroAllowed) throws UsageException {
            String text = string(name, fallback).toLowerCase(Locale.ROOT);
            Duration value;
            try {
                if (text.endsWith("ms")) {
                    value = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                } else if (text.endsWith("s")) {
                    value = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
                } else if (text.endsWith("m")) {
                    value = Duration.ofSeconds(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 60));
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new UsageException(name + " takes a duration such as 500ms, 5s or 2m, got '" + text + "'");
            }
            if (value.isNegative() || value.isZero() && !zeroAllowed) {
                throw new UsageException(name + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + ", got " + text);
            }
            return value;
        }

        List<ChannelClass> classes() throws UsageException {
            List<ChannelClass> classes = new ArrayList<>();
            for (String part : string("--classes", "BFT,CFT_O,CFT_NO_U,CFT_NO_NU").split(",")) {
                try {
                    classes.add(ChannelClass.valueOf(part.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--classes: unknown class '" + part.strip() + "' (BFT, CFT_O, CFT_NO_U, CFT_NO_NU)");
                }
            }
            return List.copyOf(new LinkedHashSet<>(classes));
        }

        Set<BaselineKind> baselines() throws UsageException {
            String text = string("--baseline", "raw-bft,nats,rabbitmq");
            Set<BaselineKind> kinds = new LinkedHashSet<>();
            if (text.equals("none")) {
                return kinds;
            }
            for (String part : text.split(",")) {
                BaselineKind kind = BaselineKind.byName(part.strip());
                if (kind == null) {
                    throw new UsageException("--baseline: unknown baseline '" + part.strip() + "' (raw-bft, nats, rabbitmq, none)");
                }
                kinds.add(kind);
            }
            return kinds;
        }

        List<String> jvmFlags() throws UsageException {
            String text = string("--replica-jvm-flags", null);
            return text == null ? null : List.of(text.split("\\s+"));
        }

        Map<String, Long> pids() throws UsageException {
            String text = string("--pids", null);
            Map<String, Long> pids = new LinkedHashMap<>();
            if (text == null) {
                return pids;
            }
            for (String part : text.split(",")) {
                String[] pair = part.strip().split("=");
                try {
                    if (pair.length != 2 || pair[0].isBlank()) {
                        throw new NumberFormatException();
                    }
                    pids.put(pair[0].strip(), Long.parseLong(pair[1].strip()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--pids takes NAME=PID pairs such as gateway=1234,replica-0=1240, got '" + part + "'");
                }
            }
            return pids;
        }

        void rejectUnknown() throws UsageException {
            for (String name : given.keySet()) {
                if (!read.contains(name)) {
                    throw new UsageException("unknown option " + name + " (see --help)");
                }
            }
        }
    }
}
