package fitmon.benchmarks.resilience;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The matrix as a markdown table, one row per scenario, the error columns first. */
final class MatrixReport {

    private MatrixReport() {
    }

    static String markdown(List<Findings> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | fault | victim | acknowledged / sent | released (min over consoles) | lost | forged |"
                + " altered | reordered | duplicated | unverified | longest stall | named | publishes without ack |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Findings f : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d / %d | %d | %d | %d | %d | %d | %d | %d | %.1f s | %s | %s |%n",
                    f.scenario(), f.fault(), f.victim() < 0 ? "–" : "replica " + f.victim(), f.acknowledged(),
                    f.sent(), f.releasedMin(), f.lost(), f.forged(), f.altered(), f.reordered(), f.duplicated(),
                    f.unverified(), f.longestStallMillis() / 1000.0,
                    f.named().isEmpty() ? "–" : f.named().stream().map(String::valueOf).collect(Collectors.joining(", ")),
                    failures(f.failedPublishes())));
        }
        return out.toString();
    }

    private static String failures(Map<String, Long> failed) {
        if (failed.isEmpty()) {
            return "0";
        }
        return failed.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining("; "));
    }
}
