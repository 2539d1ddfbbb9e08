package fitmon.benchmarks.resilience;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One run of the matrix: steady load on a fresh BFT channel, and in its middle half one fault on
 * the replica that leads when the fault starts (the leader is the victim that hurts most: a lying
 * or crashed leader also holds up ordering).
 *
 * @param name  as selected with {@code --scenarios}
 * @param fault what happens to the leader
 * @param lie   for {@link Fault#LIE}: the lab mode ({@code fitmon lab lie --mode})
 */
public record Scenario(String name, Fault fault, String lie) {

    /** What a scenario does to its victim from a quarter to three quarters of the run. */
    public enum Fault {
        /** Nothing: the run without faults that the others are compared with. */
        NONE,
        /** SIGKILL, then a restart (it catches up by state transfer). */
        CRASH,
        /** SIGSTOP, then SIGCONT: a replica that hangs, then comes back with its old view. */
        PAUSE,
        /** Lab mode misbehaviour, then honest again. */
        LIE
    }

    /** The lab modes a lying leader adopts, one scenario each. */
    static final List<String> LIES = List.of("alter", "equivocate", "replay", "drop", "delay", "reorder",
            "wrong-replies", "lying-reads");

    /** Every scenario, in the order the matrix runs them. */
    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("baseline", Fault.NONE, null));
        all.add(new Scenario("crash-leader", Fault.CRASH, null));
        all.add(new Scenario("pause-leader", Fault.PAUSE, null));
        for (String lie : LIES) {
            all.add(new Scenario(lie + "-leader", Fault.LIE, lie));
        }
        return all;
    }

    /** The scenarios named in a comma-separated list, or every one for {@code all}. */
    public static List<Scenario> select(String names) {
        if (names == null || names.isBlank() || names.trim().equals("all")) {
            return all();
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            chosen.add(all().stream().filter(s -> s.name().equals(wanted)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown scenario '" + wanted + "': one of all, "
                            + String.join(", ", Arrays.asList(all().stream().map(Scenario::name).toArray(String[]::new))))));
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
        };
    }
}
