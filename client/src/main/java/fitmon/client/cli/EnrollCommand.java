package fitmon.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeDirectory;
import fitmon.client.probe.ProbeEnrollment;
import fitmon.core.crypto.SignatureAlgorithm;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = {
                "Enroll a probe: make its key pair, send a CSR with the one-time bootstrap token, wait for an admin's "
                        + "approval and store key, certificate, API key and SEQ state in DIR.",
                "Run it again on the same DIR (without a token) to resume waiting."})
final class EnrollCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The probe directory to create (or resume).")
    Path directory;

    @Option(names = "--name", paramLabel = "PROBE_ID", description = "The probe's name, as the admin created it.")
    String probeId;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The bootstrap token (env FITMON_BOOTSTRAP_TOKEN).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the bootstrap token.")
    Path tokenFile;

    @Option(names = "--alg", paramLabel = "ALG", defaultValue = "Ed25519",
            description = "Key algorithm: Ed25519 (default) or ES256.")
    String algorithm;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to wait for the approval (default 10m; 0: do not wait).")
    Duration wait;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "Pause between two checks of the enrollment (default 2s).")
    Duration pollInterval;

    @Override
    public Integer call() throws Exception {
        FitmonCommand root = Root.of(spec);
        ProbeDirectory probe = new ProbeDirectory(directory);
        ApiKey apiKey = root.apiKeyOrNull();
        if (probe.enrolled()) {
            root.out().println("probe " + probe.metadata().probeId() + " in " + probe.path() + " is already enrolled");
            return ExitCodes.OK;
        }
        if (!probe.hasMetadata()) {
            ProbeEnrollment.State submitted = submit(root, probe, apiKey);
            root.err().println("enrollment " + submitted.id() + " of " + submitted.probeId() + " submitted; an admin approves "
                    + "it with POST /api/v1/enrollments/" + submitted.id() + "/approve");
        } else if (token != null || tokenFile != null) {
            throw CliException.usage(probe.path() + " already holds the pending enrollment " + probe.metadata().enrollmentId()
                    + "; run without a token to resume it, or enroll into a new directory");
        }
        if (apiKey == null) {
            apiKey = probe.apiKey();
        } else {
            probe.writeApiKey(apiKey);
        }
        String id = probe.metadata().enrollmentId();
        if (apiKey == null) {
            root.err().println("fitmon: enrollment " + id + " is pending; with the probe's API key (--key-file, or "
                    + "--key-id and --key-secret) run fitmon enroll --dir " + probe.path() + " to fetch the certificate");
            return ExitCodes.PENDING;
        }
        GatewayClient gateway = root.gateway(apiKey);
        if (wait.isZero() || wait.isNegative()) {
            return report(root, probe, ProbeEnrollment.check(gateway, probe));
        }
        boolean[] told = {false};
        ProbeEnrollment.State state = ProbeEnrollment.await(gateway, probe, wait, pollInterval, pending -> {
            if (!told[0]) {
                root.err().println("waiting up to " + wait.toSeconds() + " s for an admin to approve enrollment " + id);
                root.err().flush();
                told[0] = true;
            }
        });
        return report(root, probe, state);
    }

    private ProbeEnrollment.State submit(FitmonCommand root, ProbeDirectory probe, ApiKey apiKey) throws IOException {
        if (probeId == null) {
            throw CliException.usage("--name is required to start an enrollment");
        }
        SignatureAlgorithm alg = SignatureAlgorithm.fromEnvelopeName(algorithm);
        if (alg != SignatureAlgorithm.ED25519 && alg != SignatureAlgorithm.ES256) {
            throw CliException.usage("--alg must be Ed25519 or ES256, got '" + algorithm + "'");
        }
        return ProbeEnrollment.submit(root.gateway(null), probe, probeId, bootstrapToken(root), alg, apiKey);
    }

    private String bootstrapToken(FitmonCommand root) throws IOException {
        if (token != null && tokenFile != null) {
            throw CliException.usage("give --token or --token-file, not both");
        }
        String value = token;
        if (tokenFile != null) {
            value = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        }
        if (value == null) {
            value = root.environment("FITMON_BOOTSTRAP_TOKEN");
        }
        if (value == null || value.isBlank()) {
            throw CliException.usage("a bootstrap token is required: --token, --token-file or FITMON_BOOTSTRAP_TOKEN");
        }
        return value;
    }

    private static int report(FitmonCommand root, ProbeDirectory probe, ProbeEnrollment.State state) throws IOException {
        if (state.approved()) {
            root.out().println("enrolled " + state.probeId() + "; key, certificate and state in " + probe.path());
            return ExitCodes.OK;
        }
        if (state.pending()) {
            root.err().println("fitmon: enrollment " + state.id() + " is still pending; run fitmon enroll --dir "
                    + probe.path() + " again once it is approved");
            return ExitCodes.PENDING;
        }
        root.err().println("fitmon: enrollment " + state.id() + " was " + state.status().toLowerCase(java.util.Locale.ROOT)
                + (state.reason() == null ? "" : ": " + state.reason()));
        return ExitCodes.REFUSED;
    }
}
