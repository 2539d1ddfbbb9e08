package fitmon.client.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fitmon.client.local.LocalSuite;
import fitmon.client.local.RestartPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fitmon local}: the whole suite on this machine from a built checkout (what {@code ./fitmon-local} runs). */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Start the whole fitmon suite on this machine from a built checkout: 4 replicas, registry, gateway, console, demo probe. Ctrl-C stops it.",
                "A service that exits is reported (exit code, log, last lines) while the others go on; one that ended by itself is started again (see --no-restart). `fitmon lab` kills, restarts, pauses and resumes services from another terminal."})
final class LocalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--repository", paramLabel = "DIR", defaultValue = ".", description = "The built checkout (default: here).")
    Path repository;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = LocalSuite.DEFAULT_DATA,
            description = "State, keys and logs (default: .fitmon-local); kept across restarts.")
    Path data;

    @Option(names = "--port-offset", paramLabel = "N", defaultValue = "0",
            description = "Added to every port (console 8080, gateway 8081, registry 8070, replicas 8090-8093 and 11000-11031).")
    int portOffset;

    @Option(names = "--no-restart", description = "Leave a service that ends by itself down (by default it is started "
            + "again after 2 s, the delay doubling up to 30 s, at most 5 times within 10 minutes; one stopped by "
            + "`fitmon lab` always stays down).")
    boolean noRestart;

    @Option(names = "--no-demo", description = "Do not run the demo probe.")
    boolean noDemo;

    @Option(names = "--f", paramLabel = "F", defaultValue = "1",
            description = "Faulty replicas tolerated: the group has 3F+1 replicas (default 1: four; 2: seven, ports 8090-8096). Each group size needs its own --data.")
    int f;

    @Option(names = "--lab", description = "Lab mode: the replicas accept `fitmon lab lie` (alter, equivocate, drop, delay, reorder or replay deliveries, wrong replies, lying reads). For watching fitmon out-vote a lying replica; never for real monitoring.")
    boolean lab;

    @Option(names = "--plain-links", description = "Run the replication links (gateway to replicas, replica to replica) "
            + "over plain TCP instead of mutual TLS: anyone on this machine can then read every event on them. For "
            + "measuring what TLS costs; never for real monitoring.")
    boolean plainLinks;

    @Override
    public Integer call() throws Exception {
        FitmonCommand root = Root.of(spec);
        PrintWriter out = root.out();
        if (f < 1 || f > LocalSuite.MAX_F) {
            throw CliException.usage("--f must be between 1 and " + LocalSuite.MAX_F + ", got " + f);
        }
        LocalSuite suite = new LocalSuite(new LocalSuite.Settings(repository, data, portOffset, !noDemo, lab, f,
                noRestart ? RestartPolicy.NEVER : RestartPolicy.DEFAULT, !plainLinks), out);
        Thread stopper = new Thread(() -> {
            out.println("fitmon-local: stopping…");
            out.flush();
            suite.close();
            out.println("fitmon-local: stopped");
            out.flush();
        }, "fitmon-local-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            suite.start();
        } catch (Exception e) {
            throw new CliException(ExitCodes.INTERNAL, e.getMessage());
        }
        suite.watch();
        return ExitCodes.OK;
    }
}
