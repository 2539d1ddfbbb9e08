package fitmon.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument parsing, settings from flags and environment, and the exit codes that need no gateway. */
class FitmonCommandTest {

    private static String closedGateway;

    @TempDir
    Path dir;

    @BeforeAll
    static void findAClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            closedGateway = "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void helpListsEveryVerbAndTheExitCodes() {
        CliRun run = CliRun.run(Map.of(), "--help");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("enroll", "register", "publish", "channels", "FITMON_GATEWAY", "Exit codes");
        assertThat(CliRun.run(Map.of(), "channels", "--help").out()).contains("create", "list", "delete");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(CliRun.run(Map.of()).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "channels").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "channels", "create").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "publish", "--probe-dir", dir.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "enroll", "--dir", dir.toString(), "--wait", "soon").err())
                .contains("not a duration");
    }

    @Test
    void aMissingKeyIsAUsageErrorWithItsRemedy() {
        CliRun run = CliRun.run(Map.of("FITMON_GATEWAY", closedGateway), "channels", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fitmon: no API key: give --key-file, or --key-id and --key-secret "
                + "(or FITMON_KEY_FILE, FITMON_KEY_ID and FITMON_KEY_SECRET)\n");

        run = CliRun.run(Map.of("FITMON_KEY_ID", "fk_1"), "channels", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("needs both its id and its secret");

        run = CliRun.run(Map.of(), "--key-file", dir.resolve("none.json").toString(), "channels", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("fitmon: cannot read the API key file");
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheVerbAndFallBackToTheEnvironment() throws IOException {
        String expected = "fitmon: cannot reach gateway at " + closedGateway + ": ";
        CliRun before = CliRun.run(Map.of(), "--gateway", closedGateway, "--key-id", "fk_1", "--key-secret", "s",
                "channels", "delete", "t");
        assertThat(before.exitCode()).as(before.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(before.err()).startsWith(expected);

        CliRun after = CliRun.run(Map.of(), "channels", "delete", "t", "--gateway", closedGateway, "--key-id", "fk_1",
                "--key-secret", "s");
        assertThat(after.exitCode()).as(after.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(after.err()).startsWith(expected);

        Path keyFile = dir.resolve("key.json");
        Files.writeString(keyFile, "{\"keyId\":\"fk_1\",\"secret\":\"s\"}");
        CliRun fromEnv = CliRun.run(Map.of("FITMON_GATEWAY", closedGateway, "FITMON_KEY_FILE", keyFile.toString()),
                "channels", "delete", "t");
        assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(fromEnv.err()).startsWith(expected).doesNotContain("\n" + "fitmon:");

        CliRun flagWins = CliRun.run(Map.of("FITMON_GATEWAY", "http://127.0.0.1:1"), "--gateway", closedGateway,
                "--key-file", keyFile.toString(), "channels", "delete", "t");
        assertThat(flagWins.err()).startsWith(expected);
    }

    @Test
    void badValuesAreNamed() {
        Map<String, String> env = Map.of("FITMON_GATEWAY", closedGateway, "FITMON_KEY_ID", "k", "FITMON_KEY_SECRET", "s");
        CliRun badClass = CliRun.run(env, "channels", "create", "t", "--class", "FAST");
        assertThat(badClass.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badClass.err()).isEqualTo("fitmon: --class must be one of BFT, CFT_O, CFT_NO_U, CFT_NO_NU, got 'FAST'\n");

        CliRun badTag = CliRun.run(env, "channels", "delete", "no spaces");
        assertThat(badTag.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTag.err()).startsWith("fitmon: TAG 'no spaces' is not valid");

        CliRun badUrl = CliRun.run(Map.of("FITMON_GATEWAY", "ftp://x", "FITMON_KEY_ID", "k", "FITMON_KEY_SECRET", "s"),
                "channels", "list");
        assertThat(badUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("gateway URL must be http(s)://host[:port]");
    }

    @Test
    void probeVerbsNeedAnEnrolledDirectory() throws IOException {
        CliRun none = CliRun.run(Map.of(), "publish", "--probe-dir", dir.resolve("nope").toString(), "t", "{}");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("does not exist; create it with fitmon enroll");

        CliRun empty = CliRun.run(Map.of("FITMON_PROBE_DIR", dir.toString()), "register", "t");
        assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.err()).contains("holds no probe key");

        CliRun both = CliRun.run(Map.of(), "publish", "--probe-dir", dir.toString(), "--file", "x", "t", "{}");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).isEqualTo("fitmon: give DATA or --file, not both\n");
    }

    @Test
    void enrollNeedsANameAndATokenToStart() {
        CliRun noName = CliRun.run(Map.of("FITMON_GATEWAY", closedGateway), "enroll", "--dir", dir.resolve("p").toString(),
                "--token", "t");
        assertThat(noName.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noName.err()).isEqualTo("fitmon: --name is required to start an enrollment\n");

        CliRun noToken = CliRun.run(Map.of("FITMON_GATEWAY", closedGateway), "enroll", "--dir", dir.resolve("p").toString(),
                "--name", "web-01");
        assertThat(noToken.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noToken.err()).contains("a bootstrap token is required");

        CliRun es384 = CliRun.run(Map.of(), "enroll", "--dir", dir.resolve("p").toString(), "--name", "web-01",
                "--token", "t", "--alg", "RS256");
        assertThat(es384.exitCode()).isEqualTo(ExitCodes.USAGE);

        CliRun unreachable = CliRun.run(Map.of("FITMON_GATEWAY", closedGateway), "enroll", "--dir",
                dir.resolve("p").toString(), "--name", "web-01", "--token", "t");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unreachable.err()).startsWith("fitmon: cannot reach gateway at " + closedGateway);
        assertThat(dir.resolve("p/key.pem")).doesNotExist();
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> converter.convert("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void aDemoProbeThatPublishesOnlyNeedsAnEnrolledDirectoryAndNoKey() {
        CliRun run = CliRun.run(Map.of(), "demo-probe", "--publish-only", "--gateway", closedGateway,
                "--dir", dir.resolve("demo").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("holds no enrolled probe", "--setup-only").doesNotContain("no API key");
    }

    @Test
    void setUpOnlyAndPublishOnlyExcludeEachOther() {
        CliRun run = CliRun.run(Map.of(), "demo-probe", "--setup-only", "--publish-only", "--key-id", "k", "--key-secret", "s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("exclude each other");
    }

    @Test
    void aLocalSuiteToleratesOneToThreeFaultyReplicas() {
        CliRun run = CliRun.run(Map.of(), "local", "--f", "0", "--data", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--f must be between 1 and 3, got 0");
    }
}
