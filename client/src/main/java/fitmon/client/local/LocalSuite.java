package fitmon.client.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole fitmon suite on this machine from a built checkout: four broker replicas (f = 1), the
 * registry on its embedded database, the gateway, the console and a demo probe, each a JVM with
 * its log under the data directory. Replica keys are generated on the first start; the registry's
 * database, CA and keys, each replica's channels and events, and the demo probe's identity stay in
 * the data directory across restarts.
 */
public final class LocalSuite implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int F = 1;
    private static final int N = 3 * F + 1;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /**
     * @param repository the checkout whose built jars are run
     * @param data       where state, keys and logs go
     * @param portOffset added to every default port
     * @param demo       whether to run the demo probe
     */
    public record Settings(Path repository, Path data, int portOffset, boolean demo) {
    }

    private final Settings settings;
    private final LocalPorts ports;
    private final PrintWriter out;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<ChildProcess> started = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;

    public LocalSuite(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.ports = new LocalPorts(settings.portOffset(), N);
        this.out = out;
    }

    public void start() throws IOException, InterruptedException {
        List<Integer> busy = ports.busy();
        if (!busy.isEmpty()) {
            throw new IOException("ports " + busy + " are in use: is another fitmon running? Stop it, or move this one"
                    + " with --port-offset");
        }
        Path data = settings.data().toAbsolutePath();
        Files.createDirectories(data.resolve("logs"));
        Path brokerJar = jar("broker-service", "fitmon-broker-service-");
        Path registryJar = jar("registry-service", "fitmon-registry-service-");
        Path gatewayJar = jar("gateway", "fitmon-gateway-");
        Path consoleJar = jar("console-web", "fitmon-console-web-");
        Path clientJar = settings.repository().resolve("client/target/fitmon.jar");
        requireFile(clientJar);

        Path keys = data.resolve("keys");
        if (!Files.exists(keys.resolve("public/replica-" + (N - 1) + ".pub.pem"))) {
            say("generating the replicas' RSA key pairs in " + keys + " (first start)");
            run("keygen", List.of(java, "-cp", brokerJar.toString(), "-Dloader.main=fitmon.broker.keygen.ReplicaKeyGen",
                    "org.springframework.boot.loader.launch.PropertiesLauncher", "--out", keys.toString(),
                    "--replicas", String.valueOf(N)), data);
        }

        Path adminKey = data.resolve("admin-key.json");
        boolean firstStart = !Files.exists(adminKey);
        String registryUrl = "http://127.0.0.1:" + ports.registry();
        ChildProcess registry = launch("registry", registryJar, List.of("--server.port=" + ports.registry(),
                "--fitmon.registry.data-dir=" + data.resolve("registry"),
                "--fitmon.registry.bootstrap.key-file=" + adminKey), data);
        registry.awaitHttp(registryUrl + "/actuator/health", START_TIMEOUT);
        say("registry ready at " + registryUrl);
        String caPublicKey = get(registryUrl + "/api/v1/ca").get("publicKey").asString();

        List<String> peers = new ArrayList<>();
        List<String> replicaUrls = new ArrayList<>();
        List<String> publicKeys = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            peers.add("127.0.0.1:" + ports.replicaBft(i));
            replicaUrls.add("http://127.0.0.1:" + ports.replicaHttp(i));
            publicKeys.add(keys.resolve("public/replica-" + i + ".pub.pem").toString());
        }
        List<ChildProcess> replicas = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            replicas.add(launch("replica-" + i, brokerJar, List.of("--server.port=" + ports.replicaHttp(i),
                    "--fitmon.broker.replica-id=" + i, "--fitmon.broker.f=" + F,
                    "--fitmon.broker.peers=" + String.join(",", peers),
                    "--fitmon.broker.ca-public-key=" + caPublicKey,
                    "--fitmon.broker.keys.private-key-file=" + keys.resolve("replica-" + i + "/replica.key.pem"),
                    "--fitmon.broker.keys.public-key-files=" + String.join(",", publicKeys),
                    "--fitmon.broker.delivery.jwks-url=" + registryUrl + "/api/v1/tokens/jwks.json",
                    "--fitmon.broker.data-dir=" + data.resolve("broker-" + i)), data));
        }
        // live, not ready: a replica is ready once its group ordered something, and on a fresh group
        // that takes the gateway started next
        for (int i = 0; i < N; i++) {
            replicas.get(i).awaitHttp(replicaUrls.get(i) + "/actuator/health/liveness", START_TIMEOUT);
        }
        say(N + " broker replicas running at " + String.join(", ", replicaUrls));

        String gatewayUrl = "http://127.0.0.1:" + ports.gateway();
        ChildProcess gateway = launch("gateway", gatewayJar, List.of("--server.port=" + ports.gateway(),
                "--fitmon.gateway.registry.url=" + registryUrl,
                "--fitmon.gateway.registry.service-token-file=" + data.resolve("registry/service-token"),
                "--fitmon.gateway.cluster.f=" + F, "--fitmon.gateway.cluster.peers=" + String.join(",", peers),
                "--fitmon.gateway.cluster.replica-urls=" + String.join(",", replicaUrls),
                // the replicas remember client ids; a new gateway run takes new ones
                "--fitmon.gateway.cluster.first-client-id=" + (1000 + 4 * ThreadLocalRandom.current().nextInt(1, 100_000))),
                data);
        gateway.awaitHttp(gatewayUrl + "/actuator/health/readiness", START_TIMEOUT);
        say("gateway ready at " + gatewayUrl + " (OpenAPI: " + gatewayUrl + "/swagger-ui.html)");

        String consoleUrl = "http://localhost:" + ports.console();
        ChildProcess console = launch("console", consoleJar, List.of("--server.port=" + ports.console(),
                "--fitmon.console.gateway-url=" + gatewayUrl), data);
        console.awaitHttp("http://127.0.0.1:" + ports.console() + "/", START_TIMEOUT);

        JsonNode admin = JSON.readTree(Files.readString(adminKey));
        if (firstStart) {
            say("bootstrap admin API key (shown once; also in " + adminKey + "):");
            say("    key id: " + admin.get("keyId").asString());
            say("    secret: " + admin.get("secret").asString());
        } else {
            say("admin API key: in " + adminKey);
        }
        if (settings.demo()) {
            launchDemoProbe(clientJar, gatewayUrl, adminKey, data);
        }
        say("fitmon is up: console " + consoleUrl + " (sign in with the admin key), logs in " + data.resolve("logs")
                + ". Ctrl-C stops everything.");
    }

    private void launchDemoProbe(Path clientJar, String gatewayUrl, Path adminKey, Path data) throws IOException {
        ChildProcess demo = new ChildProcess("demo-probe", List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-jar",
                clientJar.toString(), "--gateway", gatewayUrl, "--key-file", adminKey.toString(), "demo-probe",
                "--dir", data.resolve("demo-probe").toString(), "--tag", "demo.host"), data.resolve("logs/demo-probe.log"));
        demo.start();
        started.add(demo);
        say("demo probe publishing this host's load to channel demo.host (log: " + demo.log + ")");
    }

    /** Blocks until a service stops by itself; returns which, with the end of its log. */
    public String awaitFailure() throws InterruptedException {
        while (true) {
            synchronized (started) {
                for (ChildProcess child : started) {
                    if (!child.alive() && !stopping) {
                        return child.name + " stopped by itself; see " + child.log + "\n" + child.tail();
                    }
                }
            }
            Thread.sleep(1000);
        }
    }

    /** Process ids of every running service, for checks that nothing is left behind. */
    public List<Long> pids() {
        synchronized (started) {
            return started.stream().filter(ChildProcess::alive).map(ChildProcess::pid).toList();
        }
    }

    /** Stops the services in the reverse order of their start, each with SIGTERM first. */
    @Override
    public void close() {
        stopping = true;
        List<ChildProcess> running;
        synchronized (started) {
            running = new ArrayList<>(started);
        }
        Collections.reverse(running);
        for (ChildProcess child : running) {
            try {
                child.stop(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ChildProcess launch(String name, Path jar, List<String> arguments, Path data) throws IOException {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()));
        command.addAll(arguments);
        ChildProcess child = new ChildProcess(name, command, data.resolve("logs/" + name + ".log"));
        say("starting " + name);
        child.start();
        started.add(child);
        return child;
    }

    private void run(String name, List<String> command, Path data) throws IOException, InterruptedException {
        ChildProcess child = new ChildProcess(name, command, data.resolve("logs/" + name + ".log"));
        child.start();
        while (child.alive()) {
            Thread.sleep(200);
        }
        if (!Files.exists(data.resolve("keys/public"))) {
            throw new IOException(name + " failed; see " + child.log + "\n" + child.tail());
        }
    }

    private Path jar(String module, String prefix) throws IOException {
        Path target = settings.repository().resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith("-exec.jar")).toList();
                if (jars.size() == 1) {
                    return jars.get(0);
                }
            }
        }
        throw new IOException("no built " + module + " in " + target + ": run ./fitmon-local from the repository root"
                + " (it builds what is missing)");
    }

    private static void requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + file + ": run ./fitmon-local from the repository root (it builds what is missing)");
        }
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private void say(String line) {
        out.println("fitmon-local: " + line);
        out.flush();
    }
}
