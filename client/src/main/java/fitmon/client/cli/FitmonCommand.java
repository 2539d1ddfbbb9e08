package fitmon.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code fitmon} command. Global options may stand before or after the subcommand; each
 * falls back to its environment variable. A new verb is one class added to {@code subcommands}.
 */
@Command(name = "fitmon",
        mixinStandardHelpOptions = true,
        versionProvider = FitmonCommand.Version.class,
        description = "Client of the fitmon monitoring broker: enroll probes, publish signed events, administer channels, follow them.",
        subcommands = {
                EnrollCommand.class,
                RegisterCommand.class,
                PublishCommand.class,
                ChannelsCommand.class,
                TailCommand.class,
                DemoProbeCommand.class,
                LocalCommand.class,
                LabCommand.class,
                CommandLine.HelpCommand.class,
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  FITMON_GATEWAY      gateway URL (default " + FitmonCommand.DEFAULT_GATEWAY + ")",
                "  FITMON_CA_FILE      the fitmon CA certificate an https gateway is checked against",
                "  FITMON_KEY_ID       API key id",
                "  FITMON_KEY_SECRET   API key secret",
                "  FITMON_KEY_FILE     file holding {\"keyId\",\"secret\"}",
                "",
                "Exit codes: 0 ok, 1 internal error, 2 usage, 3 refused, 4 gateway unreachable,",
                "            5 authentication/authorization refused, 6 enrollment pending."})
public final class FitmonCommand implements Runnable {

    static final String DEFAULT_GATEWAY = "http://localhost:8081";

    @Option(names = "--gateway", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Gateway URL (env FITMON_GATEWAY; default " + DEFAULT_GATEWAY + ").")
    String gatewayOption;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The fitmon CA certificate (PEM) an https gateway's certificate is checked against, instead of "
                    + "the JDK's public roots (env FITMON_CA_FILE; ./fitmon-local writes it to .fitmon-local/registry/ca.cert.pem).")
    Path caFileOption;

    @Option(names = "--key-id", scope = ScopeType.INHERIT, paramLabel = "ID",
            description = "API key id (env FITMON_KEY_ID).")
    String keyIdOption;

    @Option(names = "--key-secret", scope = ScopeType.INHERIT, paramLabel = "SECRET",
            description = "API key secret (env FITMON_KEY_SECRET).")
    String keySecretOption;

    @Option(names = "--key-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding {\"keyId\",\"secret\"}, as the registry's bootstrap key file (env FITMON_KEY_FILE).")
    Path keyFileOption;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Say when calls are retried; stack traces of internal errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;
    private final InputStream stdin;

    public FitmonCommand(Map<String, String> environment, InputStream stdin) {
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
    }

    /** A configured command line: its output goes to {@code out} and {@code err}. */
    public static CommandLine commandLine(Map<String, String> environment, InputStream stdin, PrintWriter out,
                                          PrintWriter err) {
        CommandLine commandLine = new CommandLine(new FitmonCommand(environment, stdin));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new ErrorReporter());
        return commandLine;
    }

    /** Runs the command and returns its exit code. */
    public static int run(Map<String, String> environment, InputStream stdin, PrintWriter out, PrintWriter err,
                          String... args) {
        try {
            return commandLine(environment, stdin, out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    String gatewayUrl() {
        String url = gatewayOption != null ? gatewayOption : environment.get("FITMON_GATEWAY");
        return url == null || url.isBlank() ? DEFAULT_GATEWAY : url;
    }

    /** The API key from the options, else the environment; null when neither names one. */
    ApiKey apiKeyOrNull() {
        String keyId = keyIdOption != null ? keyIdOption : environment.get("FITMON_KEY_ID");
        String secret = keySecretOption != null ? keySecretOption : environment.get("FITMON_KEY_SECRET");
        Path keyFile = keyFileOption;
        if (keyFile == null && keyIdOption == null && environment.get("FITMON_KEY_FILE") != null) {
            keyFile = Path.of(environment.get("FITMON_KEY_FILE"));
        }
        if (keyFile != null && keyIdOption == null) {
            try {
                return ApiKey.read(keyFile);
            } catch (IOException e) {
                throw CliException.usage("cannot read the API key file: " + e.getMessage());
            }
        }
        if (blank(keyId) && blank(secret)) {
            return null;
        }
        if (blank(keyId) || blank(secret)) {
            throw CliException.usage("an API key needs both its id and its secret (--key-id/FITMON_KEY_ID and "
                    + "--key-secret/FITMON_KEY_SECRET)");
        }
        return new ApiKey(keyId, secret);
    }

    ApiKey apiKey() {
        ApiKey key = apiKeyOrNull();
        if (key == null) {
            throw CliException.usage("no API key: give --key-file, or --key-id and --key-secret "
                    + "(or FITMON_KEY_FILE, FITMON_KEY_ID and FITMON_KEY_SECRET)");
        }
        return key;
    }

    /** A gateway client signing with {@code key} (null: unsigned). */
    GatewayClient gateway(ApiKey key) {
        GatewayClient.Builder builder;
        try {
            builder = GatewayClient.builder(gatewayUrl());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        builder.apiKey(key);
        Path caFile = caFileOption != null ? caFileOption
                : blank(environment.get("FITMON_CA_FILE")) ? null : Path.of(environment.get("FITMON_CA_FILE"));
        if (caFile != null) {
            try {
                builder.tls(fitmon.core.pki.CaTrust.sslContext(caFile));
            } catch (IOException e) {
                throw CliException.usage("cannot read the CA certificate: " + e.getMessage());
            }
        }
        if (verbose) {
            PrintWriter err = spec.commandLine().getErr();
            builder.onRetry(line -> {
                err.println("fitmon: " + line);
                err.flush();
            });
        }
        return builder.build();
    }

    /** An environment variable as this command sees it (the process's, or the one a test gave). */
    String environment(String name) {
        return environment.get(name);
    }

    InputStream stdin() {
        return stdin;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FitmonCommand.class.getPackage().getImplementationVersion();
            return new String[] {"fitmon " + (version == null ? "(development build)" : version)};
        }
    }
}
