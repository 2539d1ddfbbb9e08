package fitmon.client.cli;

import java.io.IOException;
import java.nio.file.Path;

import fitmon.client.local.LabClient;
import fitmon.client.local.LabException;
import fitmon.client.local.LocalSuite;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code fitmon lab}: faults injected into a running {@code fitmon local} from another terminal,
 * through the suite's control endpoint (127.0.0.1, token in the data directory's {@code lab.json}).
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Inject faults into the fitmon local running on this machine, from another terminal: kill, restart, pause and resume its services; in lab mode (fitmon local --lab), make a replica lie or cut it off from its peers.",
                "NAME: replica-0..replica-3 (or just 0..3), registry, gateway, console, demo-probe."},
        footer = {"", "Exit codes: 0 done, 2 usage, 3 refused by the suite (unknown service, already down, not paused, restart failed), 4 no suite running with that data directory."})
final class LabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", scope = ScopeType.INHERIT, paramLabel = "DIR", defaultValue = LocalSuite.DEFAULT_DATA,
            description = "The data directory of the running fitmon local (default: .fitmon-local, as fitmon local's).")
    Path data;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a lab verb is required: status, kill, restart, pause, resume or lie");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show every service of the suite: running (pid), paused, or down with its exit code.")
    int status() {
        return send("status", "");
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = "SIGKILL a service, as kill -9: no clean shutdown. The suite reports it and leaves it down.")
    int kill(@Parameters(paramLabel = "NAME", description = "replica-N or N, registry, gateway, console, demo-probe") String name) {
        return send("kill", name);
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = {"Start a service again (stopping it first with SIGTERM if it runs) with the same arguments, data directory and keys, and wait until it answers.",
                    "A replica catches up with the others by state transfer."})
    int restart(@Parameters(paramLabel = "NAME", description = "replica-N or N, registry, gateway, console, demo-probe") String name) {
        return send("restart", name);
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "SIGSTOP a service: its process stays but does nothing (a replica then looks crashed to the others) until resumed.")
    int pause(@Parameters(paramLabel = "NAME", description = "replica-N or N, registry, gateway, console, demo-probe") String name) {
        return send("pause", name);
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "SIGCONT a paused service.")
    int resume(@Parameters(paramLabel = "NAME", description = "replica-N or N, registry, gateway, console, demo-probe") String name) {
        return send("resume", name);
    }

    @Command(name = "lie", mixinStandardHelpOptions = true,
            description = {"Make a replica misbehave as an intruder on it could, and watch consoles and the gateway out-vote it. Only in a suite started with --lab.",
                    "Modes: alter (changes every delivered event's data, keeps the signature), equivocate (altered copies to every second console), drop (delivers nothing), delay (delivers late, --delay), reorder (swaps consecutive deliveries), replay (delivers the previous event again in each new position), wrong-replies (false refusals to the gateway), lying-reads (made-up positions and digest in its read API), false-state (a made-up state for peers catching up), honest (stops lying)."})
    int lie(@Parameters(paramLabel = "NAME", description = "replica-N or N") String name,
            @Option(names = "--mode", required = true, paramLabel = "MODE", description = "What to do wrong (see above), or honest.") String mode,
            @Option(names = "--delay", paramLabel = "MILLIS", description = "For --mode delay: how late each delivery goes out (default 2000, at most 300000).") Long delayMillis) {
        if (mode.isBlank() || mode.contains(" ")) {
            throw CliException.usage("--mode takes one word, e.g. equivocate");
        }
        return send("lie", name + " " + mode + (delayMillis == null ? "" : " " + delayMillis));
    }

    @Command(name = "partition", mixinStandardHelpOptions = true,
            description = {"Cut a replica off from some or all of its peers, as a network partition would: its replication links to them are closed and refused both ways until healed. Only in a suite started with --lab (and links over TLS, the default).",
                    "With f=1 one replica cut off from all the others falls behind while the rest go on ordering; `--from none` heals it and it catches up."})
    int partition(@Parameters(paramLabel = "NAME", description = "replica-N or N") String name,
                  @Option(names = "--from", defaultValue = "all", paramLabel = "PEERS",
                          description = "Replica numbers to cut it off from, comma-separated; all (default) or none (heals).") String peers) {
        if (peers.isBlank() || peers.contains(" ")) {
            throw CliException.usage("--from takes replica numbers without spaces, e.g. 0,1, or all, or none");
        }
        return send("partition", name + " " + peers);
    }

    private int send(String verb, String name) {
        String answer;
        try {
            answer = new LabClient(data).send(verb, name);
        } catch (LabException e) {
            throw new CliException(e.kind() == LabException.Kind.NOT_RUNNING ? ExitCodes.UNREACHABLE : ExitCodes.REFUSED,
                    e.getMessage());
        } catch (IOException e) {
            throw CliException.usage(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERNAL, "interrupted");
        }
        Root.of(spec).out().println(answer);
        return ExitCodes.OK;
    }
}
