package fitmon.broker.lab;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The misbehaviour this replica adopts now. Outside lab mode it is honest for good: {@link #set}
 * refuses, and nothing else changes it. Read on every delivery, reply and read, so it is one
 * volatile field.
 */
public final class LabSwitches {

    private static final Logger LOG = LoggerFactory.getLogger(LabSwitches.class);

    private final int replicaId;
    private final boolean labMode;
    private volatile LabSetting current;

    private LabSwitches(int replicaId, boolean labMode, LabSetting initial) {
        this.replicaId = replicaId;
        this.labMode = labMode;
        this.current = initial;
    }

    /** A replica in production: honest, and no way to change it. */
    public static LabSwitches honest(int replicaId) {
        return new LabSwitches(replicaId, false, LabSetting.HONEST);
    }

    /** A replica in lab mode, honest until told otherwise. */
    public static LabSwitches lab(int replicaId) {
        return new LabSwitches(replicaId, true, LabSetting.HONEST);
    }

    /** A replica that misbehaves from the start and cannot be changed (the test-only fault injection). */
    public static LabSwitches fixed(int replicaId, LabSetting setting) {
        return new LabSwitches(replicaId, false, setting);
    }

    public LabSetting current() {
        return current;
    }

    public boolean is(Misbehaviour mode) {
        return current.mode() == mode;
    }

    public boolean labMode() {
        return labMode;
    }

    /** @throws IllegalStateException outside lab mode */
    public void set(LabSetting setting) {
        Objects.requireNonNull(setting, "setting");
        if (!labMode) {
            throw new IllegalStateException("replica " + replicaId + " is not in lab mode: its behaviour cannot change");
        }
        LabSetting before = current;
        current = setting;
        if (setting.is(Misbehaviour.HONEST)) {
            LOG.warn("LAB: replica {} is honest again (was: {})", replicaId, before.mode().label());
        } else {
            LOG.warn("LAB: replica {} now {}{}", replicaId, setting.mode().description(),
                    setting.is(Misbehaviour.DELAY) ? " by " + setting.delay().toMillis() + " ms" : "");
        }
    }
}
