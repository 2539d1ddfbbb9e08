package fitmon.benchmarks.load;

import java.util.Map;

/**
 * A system fitmon is compared with, driven by the same {@link LoadDriver}: W workers, one operation
 * in flight each, each operation carrying as many bytes as one fitmon request and completing only
 * when the system acknowledged it durably (by its own rules).
 */
interface Baseline extends AutoCloseable {

    BaselineKind kind();

    /** Connects, starts what it needs; fails with a message saying what is not reachable. */
    void start() throws Exception;

    /** How it is set up, in one sentence for the report. */
    String setup();

    /** Server processes whose CPU counts for this baseline, by name. */
    Map<String, Long> serverProcesses();

    /** W clients for one step; {@link Clients#close()} ends them. */
    Clients clients(int workers, int payloadBytes) throws Exception;

    /** The clients of one step: worker i sends through its own client. */
    interface Clients extends LoadDriver.Request, AutoCloseable {
        @Override
        void close() throws Exception;
    }

    @Override
    void close();
}
