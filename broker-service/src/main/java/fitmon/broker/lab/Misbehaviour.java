package fitmon.broker.lab;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a replica in lab mode can be told to do wrong, to watch the others and the consoles ride it
 * out. Each is something an intruder who owns one replica could do; none touches the ordered state,
 * so the group's agreement stays intact and only what this replica tells others is false.
 */
public enum Misbehaviour {
    /** Behaves correctly (the only setting outside lab mode). */
    HONEST("behaves correctly"),
    /** Every delivery carries the event with its data changed and the probe's signature kept. */
    ALTER("alters the data of every event it delivers, keeping the probe's signature"),
    /** Consoles get different copies: every second console session gets altered events, the others true ones. */
    EQUIVOCATE("sends altered events to every second console and true ones to the others"),
    /** Deliveries are not sent at all: the consoles' STOMP sessions stay open and silent. */
    DROP("sends no deliveries to consoles"),
    /** Every delivery is sent late, by the setting's delay. */
    DELAY("delays every delivery"),
    /**
     * Deliveries of each subscription go out in swapped pairs: seq 2 before seq 1, 4 before 3. A
     * delivery held back when the replica turns honest again is never sent (the voters have it
     * from the others).
     */
    REORDER("swaps consecutive deliveries of each subscription"),
    /** Each delivery carries the channel's previous event (validly signed, but old) under the new position. */
    REPLAY("delivers the previous event again in place of each new one"),
    /** Replies to the gateway's commands are refusals, whatever the state machine decided. */
    WRONG_REPLIES("answers every command of the gateway with a false refusal"),
    /** The read API lies: channels show a made-up last sequence, the replica a made-up state digest. */
    LYING_READS("answers its read API with made-up channel positions and a made-up state digest"),
    /**
     * A peer catching up by state transfer gets a made-up checkpoint from this replica (the agreed
     * one plus a channel nobody created), and a summary whose hash matches it. Replicas told this
     * at once collude: they make up the same state.
     */
    FALSE_STATE("serves peers that catch up a made-up state (a channel nobody created)");

    private final String description;

    Misbehaviour(String description) {
        this.description = description;
    }

    /** As typed on a command line: {@code wrong-replies}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
        return description;
    }

    /** @throws IllegalArgumentException naming every valid label */
    public static Misbehaviour parse(String label) {
        String name = label == null ? "" : label.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Misbehaviour m : values()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown misbehaviour '" + label + "': one of " + labels());
    }

    public static String labels() {
        return Arrays.stream(values()).map(Misbehaviour::label).collect(Collectors.joining(", "));
    }
}
