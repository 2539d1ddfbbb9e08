package fitmon.client.cli;

import picocli.CommandLine;

/** Reaches the top command (global options, streams) from a subcommand at any depth. */
final class Root {

    private Root() {
    }

    static FitmonCommand of(CommandLine.Model.CommandSpec spec) {
        return (FitmonCommand) spec.root().userObject();
    }
}
