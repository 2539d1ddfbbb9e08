package fitmon.client.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import fitmon.client.cli.CliRun;
import fitmon.client.cli.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fitmon lab} against a control endpoint whose services are real processes ({@code sleep}
 * stands in for the JVMs of a suite): every verb, its refusals, the endpoint file, and the exit
 * reports of {@link ExitWatcher}. {@code LocalSuiteIT} drives the same verbs against the real suite.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LabTest {

    @TempDir
    Path data;

    private final List<String> said = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private ChildProcess replica;
    private ChildProcess probe;
    private LabServer server;

    @BeforeEach
    void startTwoServicesAndTheEndpoint() throws IOException {
        replica = new ChildProcess("replica-1", List.of("sleep", "600"), data.resolve("logs/replica-1.log"));
        probe = new ChildProcess("demo-probe", List.of("sleep", "600"), data.resolve("logs/demo-probe.log"));
        replica.start();
        probe.start();
        server = LabServer.start(new Lab(List.of(replica, probe), Duration.ofSeconds(30), () -> stopping, said::add,
                null), data);
    }

    @AfterEach
    void stopEverything() throws Exception {
        stopping = true;
        server.close();
        replica.stop("the test's end", Duration.ofSeconds(5));
        probe.stop("the test's end", Duration.ofSeconds(5));
    }

    @Test
    void theEndpointFileIsTheOwnersOnlyAndGoneOnceTheSuiteStops() throws Exception {
        Path file = data.resolve("lab.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        LabEndpoint endpoint = LabEndpoint.read(data);
        assertThat(endpoint.port()).isEqualTo(server.port());
        assertThat(endpoint.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(endpoint.token()).hasSizeGreaterThanOrEqualTo(43);

        server.close();
        assertThat(file).doesNotExist();
        CliRun run = lab("status");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("no fitmon local is running with data directory", "no lab.json there");
    }

    @Test
    void aRequestWithoutTheTokenIsRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String authorization : List.of("Bearer wrong", "Bearer " + LabEndpoint.read(data).token() + "x")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/lab/kill"))
                    .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString("replica-1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
        }
        assertThat(replica.alive()).isTrue();
    }

    @Test
    void statusNamesEveryServiceWithItsPid() {
        CliRun run = lab("status");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("replica-1   running  pid " + replica.pid(), "demo-probe  running  pid " + probe.pid());
    }

    @Test
    void killSendsSigkillAndTheServiceStaysDownUntilRestarted() throws Exception {
        long pid = replica.pid();
        CliRun run = lab("kill", "1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("replica-1 killed (SIGKILL to pid " + pid + ")");
        assertThat(replica.alive()).isFalse();
        assertThat(replica.exitCode()).contains(137);
        assertThat(probe.alive()).isTrue();
        assertThat(lab("status").out()).contains("replica-1   down     exit code 137 (SIGKILL), by fitmon lab kill");

        run = lab("kill", "replica-1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("replica-1 is already down: exit code 137 (SIGKILL)", "fitmon lab restart replica-1");
        assertThat(lab("pause", "1").err()).contains("replica-1 is already down");

        run = lab("restart", "replica-1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("replica-1 restarted (pid " + replica.pid() + ")")
                .contains("catches up with the others by state transfer");
        assertThat(replica.alive()).isTrue();
        assertThat(replica.pid()).isNotEqualTo(pid);
    }

    @Test
    void restartOfARunningServiceStopsItFirst() {
        long pid = replica.pid();
        CliRun run = lab("restart", "1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(replica.alive()).isTrue();
        assertThat(said).contains("stopping replica-1 for fitmon lab restart", "starting replica-1 again (fitmon lab restart)");
    }

    @Test
    void pauseStopsTheProcessAndResumeContinuesIt() throws Exception {
        CliRun run = lab("pause", "replica-1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(processState(replica.pid())).isEqualTo('T');
        assertThat(lab("status").out()).contains("replica-1   paused   pid " + replica.pid());
        assertThat(lab("pause", "1").err()).contains("replica-1 is already paused");

        run = lab("resume", "1");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(processState(replica.pid())).isNotEqualTo('T');
        run = lab("resume", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("replica-1 is not paused");
    }

    @Test
    void aPausedServiceStillStopsWhenTheSuiteStops() throws Exception {
        assertThat(lab("pause", "1").exitCode()).isZero();
        replica.stop("the suite's stop", Duration.ofSeconds(10));
        assertThat(replica.exitCode()).contains(143);
    }

    @Test
    void anUnknownServiceIsRefusedWithTheNamesThereAre() {
        CliRun run = lab("kill", "replica-7");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).isEqualTo("fitmon: no service 'replica-7' in this suite: one of replica-1, demo-probe"
                + " (a replica also by its number, e.g. 1)\n");
        assertThat(lab("restart", "gateway").err()).contains("no service 'gateway'");
        assertThat(replica.alive()).isTrue();
    }

    @Test
    void aStaleEndpointFileMeansTheSuiteIsNotRunning() throws Exception {
        Path stale = data.resolve("stale");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Files.createDirectories(stale);
        new LabEndpoint(closedPort, "token", 4242).write(stale);
        CliRun run = CliRun.run(Map.of(), "lab", "--data", stale.toString(), "kill", "1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("(pid 4242) does not answer on 127.0.0.1:" + closedPort, "not running any more");
    }

    @Test
    void nothingIsDoneOnceTheSuiteIsStopping() {
        stopping = true;
        CliRun run = lab("kill", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("the suite is stopping");
        assertThat(replica.alive()).isTrue();
    }

    @Test
    void everyVerbHasItsHelp() {
        for (String verb : Lab.VERBS) {
            CliRun run = CliRun.run(Map.of(), "lab", verb, "--help");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("Usage: fitmon lab " + verb, "--data=DIR");
        }
        assertThat(CliRun.run(Map.of(), "lab").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(Map.of(), "lab", "kill").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void theWatcherReportsAnExitOnceWithItsCodeLogAndLastLinesAndGoesOn() throws Exception {
        ChildProcess failing = new ChildProcess("replica-2", List.of("sh", "-c", "echo starting; echo 'disk full'; exit 3"),
                data.resolve("logs/replica-2.log"));
        failing.start();
        Thread watcher = watching(List.of(replica, failing, probe), RestartPolicy.NEVER);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (said.stream().noneMatch(line -> line.startsWith("replica-2"))) {
                assertThat(System.nanoTime()).as("a report of replica-2's exit").isLessThan(deadline);
                Thread.sleep(100);
            }
            probe.kill("fitmon lab kill");
            while (said.stream().noneMatch(line -> line.startsWith("demo-probe"))) {
                assertThat(System.nanoTime()).as("a report of the demo probe's exit").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(watcher.isAlive()).isTrue();
        } finally {
            stopping = true;
            watcher.join(5_000);
        }
        List<String> reports = said.stream().filter(line -> line.startsWith("replica-2")).toList();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0)).startsWith("replica-2 stopped by itself: exit code 3; log " + failing.log
                + ", last lines:\n    starting\n    disk full\n")
                .contains("the other replicas go on ordering", "`fitmon lab restart replica-2` starts it again");
        assertThat(said).anyMatch(line -> line.startsWith("demo-probe stopped: exit code 137 (SIGKILL), by fitmon lab kill;")
                && line.contains("the demo probe stays down"));
        assertThat(replica.alive()).isTrue();
    }

    @Test
    void aServiceThatEndsByItselfIsStartedAgainUnderThePolicyAndOneStoppedByTheLabIsNot() throws Exception {
        // ends by itself a moment after each start, so the policy's limit is reached
        ChildProcess failing = new ChildProcess("replica-2", List.of("sh", "-c", "echo started; sleep 0.3; exit 3"),
                data.resolve("logs/replica-2.log"));
        failing.start();
        RestartPolicy twice = new RestartPolicy(2, Duration.ofMinutes(10), Duration.ofMillis(100), Duration.ofSeconds(1));
        Thread watcher = watching(List.of(failing, probe), twice);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (said.stream().noneMatch(line -> line.contains("not restarted again"))) {
                assertThat(System.nanoTime()).as("replica-2 given up on: " + said).isLessThan(deadline);
                Thread.sleep(100);
            }
            probe.kill("fitmon lab kill");
            while (said.stream().noneMatch(line -> line.startsWith("demo-probe"))) {
                assertThat(System.nanoTime()).as("a report of the demo probe's exit").isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(1000);
        } finally {
            stopping = true;
            watcher.join(5_000);
        }
        assertThat(said.stream().filter(line -> line.startsWith("replica-2 started again by the suite"))).hasSize(2);
        assertThat(said).anyMatch(line -> line.startsWith("replica-2 stopped by itself: exit code 3")
                && line.contains("starting replica-2 again in 100 ms (restart 1 of at most 2 within 10 min)"));
        assertThat(said).anyMatch(line -> line.contains("starting replica-2 again in 200 ms (restart 2 of at most 2"));
        assertThat(said).anyMatch(line -> line.contains("replica-2 ended by itself after 2 restarts within 10 min: "
                + "not restarted again"));
        assertThat(Files.readString(failing.log)).as("three runs").contains("started\nstarted\nstarted");
        assertThat(probe.alive()).as("stopped by the lab: stays down").isFalse();
        assertThat(said).noneMatch(line -> line.startsWith("demo-probe started again"));
    }

    /** An {@link ExitWatcher} over {@code services} on its own thread, until {@code stopping}. */
    private Thread watching(List<ChildProcess> services, RestartPolicy policy) {
        Thread watcher = new Thread(() -> {
            try {
                new ExitWatcher(services, () -> stopping, said::add, policy).watch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.start();
        return watcher;
    }

    private CliRun lab(String... verbAndName) {
        String[] args = new String[verbAndName.length + 3];
        args[0] = "lab";
        args[1] = "--data";
        args[2] = data.toString();
        System.arraycopy(verbAndName, 0, args, 3, verbAndName.length);
        return CliRun.run(Map.of(), args);
    }

    /** The state letter of /proc/PID/stat: T while stopped by a signal. */
    private static char processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void aSuiteNotStartedInLabModeRefusesToMakeAReplicaLie() {
        CliRun run = lab("lie", "1", "--mode", "equivocate");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("not started in lab mode", "./fitmon-local --lab");
    }
}
