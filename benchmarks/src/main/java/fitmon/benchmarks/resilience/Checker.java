package fitmon.benchmarks.resilience;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import fitmon.client.console.SignatureStatus;

/** Reads a scenario's {@link History} and counts what went wrong, per the columns of {@link Findings}. */
final class Checker {

    private static final int MAX_EXAMPLES = 10;

    private Checker() {
    }

    /**
     * @param loadStartNanos when the load began and {@code loadEndNanos} when it stopped: the window
     *                       in which a console's longest silence counts as a stall
     */
    static Findings check(Scenario scenario, int victim, History history, long loadStartNanos, long loadEndNanos) {
        long lost = 0;
        long forged = 0;
        long altered = 0;
        long reordered = 0;
        long duplicated = 0;
        long unverified = 0;
        long releasedUnacknowledged = 0;
        long longestStall = 0;
        long releasedMin = Long.MAX_VALUE;
        Set<Integer> named = new TreeSet<>();
        List<String> examples = new ArrayList<>();
        int index = 0;
        for (History.Console console : history.consoles) {
            String who = "console " + index++;
            named.addAll(console.named);
            List<History.Release> releases = List.copyOf(console.releases);
            releasedMin = Math.min(releasedMin, releases.size());
            Set<History.Key> seen = new HashSet<>();
            long lastChannelSeq = 0;
            long previousAt = loadStartNanos;
            for (History.Release release : releases) {
                if (!seen.add(release.key())) {
                    duplicated++;
                    example(examples, who + " released " + release.key() + " twice");
                }
                var data = history.sent.get(release.key());
                if (data == null) {
                    forged++;
                    example(examples, who + " released " + release.key() + " at #" + release.channelSeq()
                            + ", never sent");
                } else if (!data.equals(release.data())) {
                    altered++;
                    example(examples, who + " released " + release.key() + " with data " + release.data()
                            + ", sent " + data);
                } else if (!history.acknowledged.contains(release.key())) {
                    releasedUnacknowledged++;
                }
                if (release.channelSeq() <= lastChannelSeq) {
                    reordered++;
                    example(examples, who + " released #" + release.channelSeq() + " after #" + lastChannelSeq);
                }
                lastChannelSeq = Math.max(lastChannelSeq, release.channelSeq());
                if (release.signature() != SignatureStatus.VERIFIED) {
                    unverified++;
                    example(examples, who + " released " + release.key() + " with signature " + release.signature());
                }
                if (release.atNanos() <= loadEndNanos) {
                    longestStall = Math.max(longestStall, release.atNanos() - previousAt);
                    previousAt = Math.max(previousAt, release.atNanos());
                }
            }
            longestStall = Math.max(longestStall, loadEndNanos - previousAt);
            for (History.Key key : history.acknowledged) {
                if (!seen.contains(key)) {
                    lost++;
                    example(examples, who + " never released acknowledged " + key);
                }
            }
        }
        Map<String, Long> failed = new TreeMap<>();
        history.failures.forEach((why, count) -> failed.put(why, count.sum()));
        return new Findings(scenario.name(), scenario.describe(), victim, history.consoles.size(), history.sent.size(),
                history.acknowledged.size(), failed, releasedMin == Long.MAX_VALUE ? 0 : releasedMin, lost, forged,
                altered, reordered, duplicated, unverified, releasedUnacknowledged, longestStall / 1_000_000, named,
                examples);
    }

    private static void example(List<String> examples, String what) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(what);
        }
    }
}
