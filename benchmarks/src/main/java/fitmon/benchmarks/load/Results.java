package fitmon.benchmarks.load;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** The figures a run produces, as records written to the JSON report. */
final class Results {

    private Results() {
    }

    /** Latency percentiles in milliseconds. */
    record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {

        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), Math.round(micros.getMean()) / 1000.0);
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * What the voting console saw of one step's events.
     *
     * @param acknowledgedNotDelivered acknowledged (202 APPENDED/QUEUED) but never delivered voted
     * @param drained                  whether the console caught up within the drain time
     */
    record Delivery(long sent, long acknowledged, long delivered, long acknowledgedNotDelivered, long duplicates,
                    long signatureNotVerified, boolean drained, double drainSeconds, List<String> missingExamples) {
    }

    /** @param batchSigned whether each request's events carried one batch signature */
    record FitmonStep(String channelClass, String tag, int workers, int inFlight, int batch, boolean batchSigned, String loop,
                      double targetEventsPerSecond, int envelopeBytes, double seconds, long requests, long acceptedEvents,
                      double eventsPerSecond, double requestsPerSecond, Map<String, Long> refused,
                      Map<String, Long> errors, Latency publishTo202, Latency publishToVoted, Delivery delivery,
                      Map<String, ProcessStats.CpuUse> cpu) {
    }

    record BaselineStep(String baseline, String setup, int workers, int payloadBytes, double seconds, long ops,
                        double opsPerSecond, Map<String, Long> refused, Map<String, Long> errors, Latency latency,
                        Map<String, ProcessStats.CpuUse> cpu) {
    }

    /** Correctness over the whole run; {@code ok} is the verdict. */
    /**
     * @param orderViolations        ordered channels: a channel seq other than the previous one + 1
     * @param perProbeFifoViolations unordered channels: a probe's SEQ delivered after a higher one (reported only)
     */
    record Correctness(boolean ok, long forged, long orderViolations, long perProbeFifoViolations, long duplicates,
                       long acknowledgedNotDelivered,
                       long signatureNotVerified, long disagreements, long slowConsumer, List<String> failures,
                       List<String> problems, List<String> consoleIncidents) {
    }

    record Machine(int nproc, String loadAverageBefore, String loadAverageAfter, String javaVersion, String javaVm,
                   String os, String date) {
    }

    record Report(Machine machine, Map<String, Object> settings, Map<String, Long> processes, List<String> replicaJvmFlags,
                  List<FitmonStep> fitmon, List<BaselineStep> baselines, Correctness correctness) {
    }
}
