package fitmon.client.cli;

import java.util.List;
import java.util.concurrent.Callable;

import fitmon.client.probe.ProbeClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "register", mixinStandardHelpOptions = true, description = "Register the probe to channels, so that the brokers accept its events there.")
final class RegisterCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ProbeOptions probe;

    @Parameters(paramLabel = "TAG", arity = "1..*", description = "Channels to register to.")
    List<String> tags;

    @Override
    public Integer call() {
        FitmonCommand root = Root.of(spec);
        ProbeClient client = probe.open(root);
        for (String tag : tags) {
            client.register(tag);
            root.out().println("registered " + client.probeId() + " to " + tag);
        }
        return ExitCodes.OK;
    }
}
