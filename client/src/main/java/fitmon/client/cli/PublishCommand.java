package fitmon.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.PublishResult;
import fitmon.core.command.CommandCodec;
import fitmon.core.event.EventJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {
                "Publish signed events to a channel: DATA as one JSON object, or one JSON object per line of a file "
                        + "or of standard input ('-').",
                "Prints one line per event: its SEQ and the channel sequence number, or why it was refused."})
final class PublishCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ProbeOptions probe;

    @Parameters(index = "0", paramLabel = "TAG", description = "The channel.")
    String tag;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DATA",
            description = "The event's data, a JSON object such as '{\"load1\":0.42}'; '-' reads lines from standard input.")
    String data;

    @Option(names = "--file", paramLabel = "FILE", description = "Publish each non-blank line of FILE ('-': standard input).")
    String file;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
            description = "Most events per request when reading lines (default 100, at most " + CommandCodec.MAX_BATCH + ").")
    int batchSize;

    @Option(names = "--batch-signature",
            description = "Sign each request of several events once, over the Merkle root of its events (sig.batch): "
                    + "replicas and consoles check one signature per request. Consoles must understand sig.batch.")
    boolean batchSignature;

    @Option(names = "--register", description = "Register the probe to TAG first.")
    boolean register;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing for accepted events.")
    boolean quiet;

    private int refused;

    @Override
    public Integer call() throws IOException {
        FitmonCommand root = Root.of(spec);
        if (batchSize < 1 || batchSize > CommandCodec.MAX_BATCH) {
            throw CliException.usage("--batch must be between 1 and " + CommandCodec.MAX_BATCH);
        }
        String source = source();
        ProbeClient client = batchSignature ? probe.open(root).withBatchSignatures() : probe.open(root);
        if (register) {
            client.register(tag);
        }
        if (source == null) {
            print(root.out(), client.publish(tag, List.of(parse(data, "DATA"))));
        } else if ("-".equals(source)) {
            publishLines(root, client, new BufferedReader(new InputStreamReader(root.stdin(), StandardCharsets.UTF_8)),
                    "stdin");
        } else {
            Path path = Path.of(source);
            if (!Files.isReadable(path)) {
                throw CliException.usage("cannot read " + path);
            }
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                publishLines(root, client, reader, path.toString());
            }
        }
        if (refused > 0) {
            root.err().println("fitmon: " + refused + " event" + (refused == 1 ? " was" : "s were") + " refused");
            return ExitCodes.REFUSED;
        }
        return ExitCodes.OK;
    }

    /** The lines to read (a path or "-"), or null when DATA is the one event. */
    private String source() {
        if (file != null && data != null) {
            throw CliException.usage("give DATA or --file, not both");
        }
        if (file != null) {
            return file;
        }
        if (data == null) {
            throw CliException.usage("give the event's DATA, --file FILE, or '-' to read lines from standard input");
        }
        return "-".equals(data) ? "-" : null;
    }

    /** Publishes as lines come: a batch goes out when full, or as soon as no further line is waiting. */
    private void publishLines(FitmonCommand root, ProbeClient client, BufferedReader reader, String name)
            throws IOException {
        List<JsonNode> batch = new ArrayList<>();
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (!line.isBlank()) {
                batch.add(parse(line, name + " line " + lineNumber));
            }
            if (!batch.isEmpty() && (batch.size() >= batchSize || !reader.ready())) {
                print(root.out(), client.publish(tag, batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            print(root.out(), client.publish(tag, batch));
        }
    }

    private static JsonNode parse(String json, String where) {
        JsonNode node;
        try {
            node = EventJson.readTree(json);
        } catch (JacksonException e) {
            throw CliException.usage(where + " is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw CliException.usage(where + " must be a JSON object, such as {\"load1\":0.42}");
        }
        return node;
    }

    private void print(PrintWriter out, List<PublishResult> results) {
        for (PublishResult r : results) {
            switch (r.status()) {
                case APPENDED:
                    if (!quiet) {
                        out.println(tag + " seq " + r.seq() + " appended as channel seq " + r.channelSeq());
                    }
                    break;
                case QUEUED:
                    if (!quiet) {
                        out.println(tag + " seq " + r.seq() + " queued (unordered channel)");
                    }
                    break;
                case DUPLICATE:
                    if (!quiet) {
                        out.println(tag + " seq " + r.seq() + " already accepted by an earlier attempt");
                    }
                    break;
                default:
                    refused++;
                    out.println(tag + " seq " + r.seq() + " refused " + r.code() + ": " + r.detail());
            }
        }
        out.flush();
    }
}
