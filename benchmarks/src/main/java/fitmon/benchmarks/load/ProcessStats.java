package fitmon.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time and resident memory of processes, from /proc (Linux): user+sys clock ticks of
 * {@code /proc/PID/stat} and {@code VmRSS} of {@code /proc/PID/status}.
 */
final class ProcessStats {

    /** Linux reports CPU times in ticks of 1/100 s (USER_HZ) on every architecture we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** CPU per process over a window. */
    record CpuUse(String name, long pid, double cpuSeconds, double cores, long rssKb) {
    }

    /** CPU seconds used so far by each process; processes that are gone are left out. */
    static Map<String, Double> cpuSeconds(Map<String, Long> pids) {
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Double seconds = cpuSeconds(pid);
            if (seconds != null) {
                out.put(name, seconds);
            }
        });
        return out;
    }

    /** The CPU each process used between two samples, as seconds and as cores (seconds per wall second). */
    static Map<String, CpuUse> between(Map<String, Long> pids, Map<String, Double> before, Map<String, Double> after,
                                       double wallSeconds) {
        Map<String, CpuUse> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (before.containsKey(name) && after.containsKey(name)) {
                double used = after.get(name) - before.get(name);
                out.put(name, new CpuUse(name, pid, used, used / wallSeconds, rssKb(pid)));
            }
        });
        return out;
    }

    static Double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** Samples CPU times when a measured window opens and closes. */
    static final class CpuWindow implements LoadDriver.Window {
        private final Map<String, Long> pids;
        private Map<String, Double> before = Map.of();
        private Map<String, Double> after = Map.of();
        private long openedAt;
        private long closedAt;

        CpuWindow(Map<String, Long> pids) {
            this.pids = pids;
        }

        @Override
        public void opened() {
            openedAt = System.nanoTime();
            before = cpuSeconds(pids);
        }

        @Override
        public void closed() {
            closedAt = System.nanoTime();
            after = cpuSeconds(pids);
        }

        Map<String, CpuUse> use() {
            return between(pids, before, after, Math.max(1e-3, (closedAt - openedAt) / 1e9));
        }
    }

    private ProcessStats() {
    }
}
