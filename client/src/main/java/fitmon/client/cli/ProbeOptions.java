package fitmon.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import fitmon.client.http.ApiKey;
import fitmon.client.probe.ProbeClient;
import picocli.CommandLine.Option;

/** The probe directory option shared by the probe verbs. */
final class ProbeOptions {

    @Option(names = "--probe-dir", paramLabel = "DIR",
            description = "Probe directory written by fitmon enroll (env FITMON_PROBE_DIR).")
    Path directory;

    /**
     * The probe of the directory. Its API key is the one given globally, else the one stored there.
     */
    ProbeClient open(FitmonCommand root) {
        Path dir = directory;
        if (dir == null && root.environment("FITMON_PROBE_DIR") != null) {
            dir = Path.of(root.environment("FITMON_PROBE_DIR"));
        }
        if (dir == null) {
            throw CliException.usage("--probe-dir is required (or FITMON_PROBE_DIR)");
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.usage("probe directory " + dir + " does not exist; create it with fitmon enroll");
        }
        ApiKey key = root.apiKeyOrNull();
        try {
            return ProbeClient.open(dir, root.gateway(key));
        } catch (IOException e) {
            throw CliException.usage(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(dir + ": " + e.getMessage());
        }
    }
}
