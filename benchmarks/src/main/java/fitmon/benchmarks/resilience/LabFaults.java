package fitmon.benchmarks.resilience;

import java.nio.file.Path;

import fitmon.client.local.LabClient;

/** Faults through {@code fitmon lab}, against the {@code fitmon local --lab} of a data directory. */
public final class LabFaults implements Faults {

    private final LabClient lab;

    public LabFaults(Path data) {
        this.lab = new LabClient(data);
    }

    @Override
    public void lie(int replica, String mode) throws Exception {
        lab.send("lie", replica + " " + mode);
    }

    @Override
    public void kill(int replica) throws Exception {
        lab.send("kill", String.valueOf(replica));
    }

    @Override
    public void restart(int replica) throws Exception {
        lab.send("restart", String.valueOf(replica));
    }

    @Override
    public void pause(int replica) throws Exception {
        lab.send("pause", String.valueOf(replica));
    }

    @Override
    public void resume(int replica) throws Exception {
        lab.send("resume", String.valueOf(replica));
    }

    @Override
    public void partition(int replica, boolean cut) throws Exception {
        lab.send("partition", replica + (cut ? " all" : " none"));
    }
}
