package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The run as markdown: one row per fitmon step (path, workers, batch) with the baselines measured
 * at the same workers and bytes per request, the ratio of fitmon events/s to baseline ops/s,
 * latencies and CPU per process; then the baselines' own figures and the machine.
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(Results.Report report) {
        StringBuilder md = new StringBuilder();
        Results.Machine m = report.machine();
        md.append(String.format(Locale.ROOT, "Run of %s: nproc %d, load average %s before, %s after, Java %s (%s).%n%n",
                m.date(), m.nproc(), m.loadAverageBefore(), m.loadAverageAfter(), m.javaVersion(), m.javaVm()));
        md.append("| path | workers | batch | fitmon events/s | baseline ops/s (same workers, bytes per request) | ratio "
                + "| publish→202 p50 / p99 ms | publish→voted p50 / p99 ms | CPU, cores (gateway, replicas, registry, generator) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Results.FitmonStep step : report.fitmon()) {
            List<String> baseline = new ArrayList<>();
            List<String> ratio = new ArrayList<>();
            for (Results.BaselineStep b : report.baselines()) {
                if (b.workers() == step.workers() && b.payloadBytes() == step.batch() * eventBytes(report)
                        && BaselineKind.byName(b.baseline()).judges(fitmon.core.channel.ChannelClass.valueOf(step.channelClass()))) {
                    baseline.add(b.baseline() + " " + number(b.opsPerSecond()));
                    ratio.add(b.baseline() + " " + String.format(Locale.ROOT, "%.3g", step.eventsPerSecond() / b.opsPerSecond()));
                }
            }
            Results.Latency voted = step.publishToVoted();
            md.append(String.format(Locale.ROOT, "| `%s`%s | %d | %d%s | %s | %s | %s | %s | %s | %s |%n",
                    step.channelClass(), step.loop().equals("open")
                            ? " open loop " + number(step.targetEventsPerSecond()) + "/s" : "",
                    step.workers(), step.batch(), step.batchSigned() ? " (batch-signed)" : "", number(step.eventsPerSecond()),
                    baseline.isEmpty() ? "–" : String.join("; ", baseline), ratio.isEmpty() ? "–" : String.join("; ", ratio),
                    pair(step.publishTo202()), voted == null ? "–" : pair(voted) + (step.delivery().drained() ? "" : " (console behind)"),
                    cpu(step.cpu())));
        }
        if (!report.baselines().isEmpty()) {
            md.append("\n| baseline | workers | bytes | ops/s | p50 / p99 ms | CPU, cores |\n|---|---|---|---|---|---|\n");
            for (Results.BaselineStep b : report.baselines()) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", b.baseline(), b.workers(),
                        b.payloadBytes(), number(b.opsPerSecond()), pair(b.latency()), cpu(b.cpu())));
            }
        }
        Results.Correctness c = report.correctness();
        md.append(String.format(Locale.ROOT, "%nCorrectness: %s (forged %d, ordered channels out of order %d, duplicates %d, "
                        + "acknowledged but not delivered %d; reported: unordered SEQs going back per probe %d, "
                        + "disagreements %d, SLOW_CONSUMER %d).%n", c.ok() ? "OK" : "FAILED",
                c.forged(), c.orderViolations(), c.duplicates(), c.acknowledgedNotDelivered(), c.perProbeFifoViolations(),
                c.disagreements(), c.slowConsumer()));
        return md.toString();
    }

    private static int eventBytes(Results.Report report) {
        return ((Number) report.settings().get("eventBytes")).intValue();
    }

    private static String pair(Results.Latency latency) {
        if (latency.count() == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f / %.1f", latency.p50(), latency.p99());
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String cpu(Map<String, ProcessStats.CpuUse> cpu) {
        StringJoiner joiner = new StringJoiner(", ");
        cpu.forEach((name, use) -> joiner.add(shortName(name) + " " + String.format(Locale.ROOT, "%.2f", use.cores())));
        return joiner.toString();
    }

    private static String shortName(String name) {
        return name.replace("replica-", "r").replace("gateway", "gw").replace("registry", "reg")
                .replace("generator", "gen");
    }
}
