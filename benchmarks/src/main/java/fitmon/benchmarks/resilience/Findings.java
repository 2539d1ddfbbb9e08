package fitmon.benchmarks.resilience;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checker's verdict on one scenario. The five error columns must be zero whenever the faults
 * stay within f: {@code lost} (acknowledged, not released by a console), {@code forged} (released,
 * never sent), {@code altered} (released with data other than the probe sent), {@code reordered}
 * (released after a higher channel sequence), {@code duplicated} (released twice); plus
 * {@code unverified} (released without a verified probe signature). Counts are summed over the
 * consoles. {@code releasedUnacknowledged} (sent, released, but the publish got no
 * acknowledgement, e.g. it timed out during the fault) is not an error: the event is the probe's.
 */
public record Findings(String scenario, String fault, int victim, int consoles, long sent, long acknowledged,
                       Map<String, Long> failedPublishes, long releasedMin, long lost, long forged, long altered,
                       long reordered, long duplicated, long unverified, long releasedUnacknowledged,
                       long longestStallMillis, Set<Integer> named, List<String> examples) {

    public boolean ok() {
        return lost + forged + altered + reordered + duplicated + unverified == 0;
    }
}
