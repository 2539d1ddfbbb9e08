package fitmon.client.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import fitmon.client.demo.DemoProbe;
import fitmon.client.http.FitmonClientException;
import fitmon.client.probe.PublishResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fitmon demo-probe}: sets up a demo probe with an admin key and publishes this host's load until stopped. */
@Command(name = "demo-probe", mixinStandardHelpOptions = true,
        description = "Enrol a demo probe with an admin key (first run), create its BFT channel, and publish this host's load every interval.")
final class DemoProbeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo-probe", description = "Where the probe keeps its key, certificate and SEQ.")
    Path directory;

    @Option(names = "--probe-id", paramLabel = "ID", defaultValue = "demo-probe")
    String probeId;

    @Option(names = "--tag", paramLabel = "TAG", defaultValue = "demo.host")
    String tag;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Time between readings (e.g. 500ms, 2s).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Stop after N readings (default: until stopped).")
    long count;

    @Option(names = "--setup-only", description = "Enrol the probe and create its channel with the admin key, then exit (a one-shot set-up step).")
    boolean setupOnly;

    @Option(names = "--publish-only", description = "Publish with the probe's own key from --dir, set up earlier with --setup-only: no admin key needed or read.")
    boolean publishOnly;

    @Override
    public Integer call() throws Exception {
        FitmonCommand root = Root.of(spec);
        if (setupOnly && publishOnly) {
            throw CliException.usage("--setup-only and --publish-only exclude each other");
        }
        DemoProbe demo;
        if (publishOnly) {
            try {
                demo = DemoProbe.enrolled(root.gateway(null), directory, tag);
            } catch (java.io.IOException e) {
                throw new CliException(ExitCodes.REFUSED, e.getMessage());
            }
        } else {
            demo = new DemoProbe(root.gateway(root.apiKey()), directory, probeId, tag, line -> {
                root.out().println("demo-probe: " + line);
                root.out().flush();
            });
            demo.setUp();
            if (setupOnly) {
                root.out().println("demo-probe: set up in " + directory + "; publish with --publish-only");
                return ExitCodes.OK;
            }
        }
        root.out().println("demo-probe: publishing to " + tag + " every " + interval.toMillis() + " ms");
        root.out().flush();
        for (long n = 0; count == 0 || n < count; n++) {
            try {
                PublishResult result = demo.publishReading();
                if (!result.accepted()) {
                    root.err().println("demo-probe: event " + result.seq() + " refused: " + result.code() + " " + result.detail());
                    root.err().flush();
                }
            } catch (FitmonClientException e) {
                // keep going: the gateway or the replicas may be restarting
                root.err().println("demo-probe: " + e.getMessage());
                root.err().flush();
            }
            Thread.sleep(interval.toMillis());
        }
        return ExitCodes.OK;
    }
}
