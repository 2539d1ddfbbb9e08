package fitmon.client.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import fitmon.client.channel.ChannelAdmin;
import fitmon.core.channel.ChannelClass;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "channels", mixinStandardHelpOptions = true, description = "Create, list and delete channels.",
        subcommands = {ChannelsCommand.Create.class, ChannelsCommand.ListChannels.class, ChannelsCommand.Delete.class})
final class ChannelsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a channels verb: create, list or delete");
    }

    private static ChannelAdmin admin(FitmonCommand root) {
        return new ChannelAdmin(root.gateway(root.apiKey()));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a channel (needs ADMIN on its TAG).")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "TAG", description = "The channel's TAG.")
        String tag;

        @Option(names = "--class", paramLabel = "CLASS", defaultValue = "BFT",
                description = "BFT (default), CFT_O, CFT_NO_U or CFT_NO_NU.")
        String channelClass;

        @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Seconds without activity before the channel expires.")
        Long idleTimeoutSeconds;

        @Option(names = "--max-probes", paramLabel = "N")
        Integer maxProbes;

        @Option(names = "--max-subscribers", paramLabel = "N")
        Integer maxSubscribers;

        @Option(names = "--retention-events", paramLabel = "N", description = "Most events each replica keeps.")
        Integer retentionEvents;

        @Option(names = "--retention-bytes", paramLabel = "N", description = "Most log bytes each replica keeps.")
        Long retentionBytes;

        @Override
        public Integer call() {
            FitmonCommand root = Root.of(spec);
            ChannelClass parsed = ChannelClass.fromName(channelClass.toUpperCase(Locale.ROOT));
            if (parsed == null) {
                throw CliException.usage("--class must be one of BFT, CFT_O, CFT_NO_U, CFT_NO_NU, got '" + channelClass + "'");
            }
            admin(root).create(new ChannelAdmin.ChannelSpec(tag, parsed, idleTimeoutSeconds, maxProbes, maxSubscribers,
                    retentionEvents, retentionBytes));
            root.out().println("created channel " + tag + " (" + parsed + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the channels the key has any permission on.")
    static final class ListChannels implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print the gateway's JSON.")
        boolean json;

        @Override
        public Integer call() {
            FitmonCommand root = Root.of(spec);
            List<ChannelAdmin.ChannelInfo> channels = admin(root).list();
            if (json) {
                root.out().println(channels.stream().map(c -> c.json().toString())
                        .collect(java.util.stream.Collectors.joining(",", "[", "]")));
                return ExitCodes.OK;
            }
            root.out().printf("%-32s %-10s %s%n", "TAG", "CLASS", "LAST_SEQ");
            for (ChannelAdmin.ChannelInfo channel : channels) {
                root.out().printf("%-32s %-10s %d%n", channel.tag(), channel.channelClass(), channel.lastSeq());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a channel (needs ADMIN on its TAG); its subscribers are told.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "TAG")
        String tag;

        @Override
        public Integer call() {
            FitmonCommand root = Root.of(spec);
            admin(root).delete(tag);
            root.out().println("deleted channel " + tag);
            return ExitCodes.OK;
        }
    }
}
