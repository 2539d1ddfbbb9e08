package fitmon.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import fitmon.client.console.ConsoleClient;
import fitmon.client.console.ConsoleListener;
import fitmon.client.console.VotedEvent;
import fitmon.core.vote.Disagreement;
import fitmon.core.vote.VoteKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * A terminal console: follows a channel on every replica, votes, and prints each event once with
 * its votes and signature check; replicas that disagree or drop out are reported on stderr.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Follow a channel on every replica and print each voted event with its votes (needs SUBSCRIBE on the TAG).")
final class TailCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TAG", description = "The channel to follow.")
    String tag;

    @Option(names = "--from-seq", paramLabel = "SEQ", defaultValue = "0",
            description = "Start at this channel sequence (ordered classes; default: the next event).")
    long fromSeq;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N events (default: follow until interrupted).")
    int count;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "With --count: give up after this many seconds (exit 3 when fewer events came).")
    long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (fromSeq < 0 || count < 0 || timeoutSeconds < 0) {
            throw CliException.usage("--from-seq, --count and --timeout must not be negative");
        }
        FitmonCommand root = Root.of(spec);
        PrintWriter out = root.out();
        PrintWriter err = root.err();
        CountDownLatch done = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        AtomicInteger shown = new AtomicInteger();
        ConsoleListener printer = new ConsoleListener() {
            @Override
            public void onEvent(VotedEvent event) {
                if (count > 0 && shown.get() >= count) {
                    return;
                }
                shown.incrementAndGet();
                out.println(line(event));
                out.flush();
                done.countDown();
            }

            @Override
            public void onDisagreement(Disagreement disagreement) {
                err.println("! replica " + disagreement.replica() + (disagreement.kind() == Disagreement.Kind.DIFFERENT_COPY
                        ? " sent a copy different from the voted one of " : " sent two different copies of ")
                        + describe(disagreement.key()));
                err.flush();
            }

            @Override
            public void onSystem(int replica, JsonNode message) {
                err.println("replica " + replica + ": " + message);
                err.flush();
            }

            @Override
            public void onReplicaStatus(int replica, String status, String detail) {
                if (!"connected".equals(status) || root.verbose) {
                    err.println("replica " + replica + " " + status + ": " + detail);
                    err.flush();
                }
            }
        };
        try (ConsoleClient client = ConsoleClient.open(root.gateway(root.apiKey()), printer)) {
            client.subscribe(tag, fromSeq);
            err.println("following " + tag + " on " + client.n() + " replicas (f=" + client.f() + ")");
            err.flush();
            if (count > 0 && timeoutSeconds > 0) {
                if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new CliException(ExitCodes.REFUSED, "only " + shown.get() + " of " + count
                            + " events within " + timeoutSeconds + " s");
                }
            } else {
                done.await();
            }
        }
        return ExitCodes.OK;
    }

    private static String describe(VoteKey key) {
        if (key instanceof VoteKey.OrderedKey ordered) {
            return ordered.tag() + " #" + ordered.channelSeq();
        }
        VoteKey.UnorderedKey unordered = (VoteKey.UnorderedKey) key;
        return unordered.tag() + " " + unordered.probeId() + "/" + unordered.seq();
    }

    /** {@code #12 2026-11-23T09:12:01.120Z web-01/17 votes 4/4 [0,1,2,3] sig VERIFIED {"load1":0.42}} */
    static String line(VotedEvent event) {
        return "#" + event.channelSeq() + " " + event.orderedAt() + " " + event.event().probeId() + "/" + event.event().seq()
                + " votes " + event.votes() + "/" + event.n() + " "
                + event.agreeing().stream().sorted().map(String::valueOf).collect(Collectors.joining(",", "[", "]"))
                + " sig " + event.signature() + " " + event.event().data();
    }
}
