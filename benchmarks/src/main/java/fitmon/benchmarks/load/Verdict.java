package fitmon.benchmarks.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Correctness of a run, never speed: every step had events acknowledged; with a console, every
 * acknowledged event was delivered voted exactly once with its signature verified, nothing was
 * delivered that was not sent, ordered channels delivered consecutive channel seqs; every baseline
 * completed acknowledged operations without errors. Reported, not failed: disagreements and
 * SLOW_CONSUMER refusals (the voted output stays right), and unordered deliveries whose SEQs go
 * back for a probe (per-probe FIFO at the console, which the brokers do not hold under load).
 */
final class Verdict {

    private Verdict() {
    }

    static Results.Correctness of(List<Results.FitmonStep> fitmon, List<Results.BaselineStep> baselines,
                                  DeliveryCheck check, boolean console) {
        List<String> failures = new ArrayList<>();
        long duplicates = 0;
        long missing = 0;
        long notVerified = 0;
        for (Results.FitmonStep step : fitmon) {
            String name = step.channelClass() + " workers " + step.workers() + " batch " + step.batch();
            if (step.acceptedEvents() == 0) {
                failures.add(name + ": no event accepted in the measured window (errors " + step.errors()
                        + ", refused " + step.refused() + ")");
            }
            Results.Delivery d = step.delivery();
            if (d == null) {
                continue;
            }
            duplicates += d.duplicates();
            missing += d.acknowledgedNotDelivered();
            notVerified += d.signatureNotVerified();
            if (d.acknowledgedNotDelivered() > 0) {
                failures.add(name + ": " + d.acknowledgedNotDelivered() + " acknowledged events never delivered voted, e.g. "
                        + d.missingExamples());
            }
            if (d.duplicates() > 0) {
                failures.add(name + ": " + d.duplicates() + " events delivered more than once");
            }
            if (d.signatureNotVerified() > 0) {
                failures.add(name + ": " + d.signatureNotVerified() + " events delivered without a verified signature");
            }
        }
        for (Results.BaselineStep step : baselines) {
            String name = step.baseline() + " workers " + step.workers();
            if (step.ops() == 0) {
                failures.add(name + ": no operation acknowledged");
            }
            if (!step.errors().isEmpty() || !step.refused().isEmpty()) {
                failures.add(name + ": errors " + step.errors() + ", refused " + step.refused());
            }
        }
        long forged = check == null ? 0 : check.forged();
        long order = check == null ? 0 : check.orderViolations();
        if (forged > 0) {
            failures.add(forged + " events delivered that were never sent");
        }
        if (order > 0) {
            failures.add(order + " deliveries out of order (see problems)");
        }
        return new Results.Correctness(failures.isEmpty(), forged, order, check == null ? 0 : check.fifoViolations(),
                duplicates, missing, notVerified,
                check == null ? 0 : check.disagreements(), check == null ? 0 : check.slowConsumer(), failures,
                check == null ? List.of() : check.problems(), check == null ? List.of() : check.incidents());
    }
}
