package fitmon.benchmarks.resilience;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One run of the matrix: steady load on a fresh BFT channel, and in its middle half one fault on
 * the replica that leads when the fault starts (the leader is the victim that hurts most: a lying
 * or crashed leader also holds up ordering); with {@code crashAnother}, the next replica after the
 * leader is killed at the same time and restarted at the end (two faults: needs f = 2, n = 7).
 *
 * @param name         as selected with {@code --scenarios}
 * @param fault        what happens to the leader
 * @param lie          for {@link Fault#LIE}: the lab mode ({@code fitmon lab lie --mode})
 * @param crashAnother whether another replica crashes meanwhile
 */
public record Scenario(String name, Fault fault, String lie, boolean crashAnother) {

    /** What a scenario does to its victim from a quarter to three quarters of the run. */
    public enum Fault {
        /** Nothing: the run without faults that the others are compared with. */
        NONE,
        /** SIGKILL, then a restart (it catches up by state transfer). */
        CRASH,
        /** SIGSTOP, then SIGCONT: a replica that hangs, then comes back with its old view. */
        PAUSE,
        /** Lab mode misbehaviour, then honest again. */
        LIE,
        /** Lab mode: its links to every peer cut (the process runs on), then healed. Needs links over TLS. */
        PARTITION
    }

    /** The lab modes a lying leader adopts, one scenario each. */
    static final List<String> LIES = List.of("alter", "equivocate", "replay", "drop", "delay", "reorder",
            "wrong-replies", "lying-reads");

    /** Every scenario, in the order the matrix runs them. */
    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("baseline", Fault.NONE, null, false));
        all.add(new Scenario("crash-leader", Fault.CRASH, null, false));
        all.add(new Scenario("pause-leader", Fault.PAUSE, null, false));
        all.add(new Scenario("partition-leader", Fault.PARTITION, null, false));
        for (String lie : LIES) {
            all.add(new Scenario(lie + "-leader", Fault.LIE, lie, false));
        }
        for (String lie : LIES) {
            all.add(new Scenario(lie + "-leader+crash", Fault.LIE, lie, true));
        }
        all.add(new Scenario("partition-leader+crash", Fault.PARTITION, null, true));
        return all;
    }

    /** How many replicas it makes faulty at once: what f it needs. */
    public int faulty() {
        return (fault == Fault.NONE ? 0 : 1) + (crashAnother ? 1 : 0);
    }

    /** The TAG of this scenario's channel in one run: a TAG has no '+', so "x+crash" becomes "x_crash". */
    public String channelTag(String runId) {
        return "resilience." + name.replace('+', '_') + "." + runId;
    }

    /** The scenarios named in a comma-separated list, or for {@code all} every one a group of this f tolerates. */
    public static List<Scenario> select(String names, int f) {
        if (names == null || names.isBlank() || names.trim().equals("all")) {
            return all().stream().filter(s -> s.faulty() <= f).toList();
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            Scenario scenario = all().stream().filter(s -> s.name().equals(wanted)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown scenario '" + wanted + "': one of all, "
                            + String.join(", ", Arrays.asList(all().stream().map(Scenario::name).toArray(String[]::new)))));
            if (scenario.faulty() > f) {
                throw new IllegalArgumentException("scenario '" + wanted + "' makes " + scenario.faulty()
                        + " replicas faulty at once; this group tolerates f = " + f + " (it needs n = "
                        + (3 * scenario.faulty() + 1) + ")");
            }
            chosen.add(scenario);
        }
        return chosen;
    }

    /** What happens, in words, for the report. */
    public String describe() {
        return switch (fault) {
            case NONE -> "no fault";
            case CRASH -> "leader killed (SIGKILL), restarted";
            case PAUSE -> "leader frozen (SIGSTOP), resumed";
            case LIE -> "leader lies: " + lie;
            case PARTITION -> "leader cut off from every peer, healed";
        } + (crashAnother ? "; the next replica killed, restarted" : "");
    }
}
