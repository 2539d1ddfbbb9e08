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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole fitmon suite on this machine from a built checkout: four broker replicas (f = 1), the
 * registry on its embedded database, the gateway, the console and a demo probe, each a JVM with
 * its log under the data directory. Replica keys are generated on the first start; the registry's
 * database, CA and keys, each replica's channels and events, and the demo probe's identity stay in
 * the data directory across restarts.
 *
 * <p>A service that exits is reported (which, its exit code, its log and the log's last lines) while
 * the others go on, and started again under the {@link RestartPolicy} when it ended by itself;
 * {@code fitmon lab} restarts, kills, pauses and resumes services
 * through the suite's control endpoint ({@link LabServer}).
 */
public final class LocalSuite implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The largest f {@code --f} takes: 10 replicas are already more than two cores can carry. */
    public static final int MAX_F = 3;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** The data directory of {@code fitmon local} and {@code fitmon lab} when none is given. */
    public static final String DEFAULT_DATA = ".fitmon-local";

    /**
     * @param repository the checkout whose built jars are run
     * @param data       where state, keys and logs go
     * @param portOffset added to every default port
     * @param demo       whether to run the demo probe
     * @param lab        lab mode: replicas accept {@code fitmon lab lie} (never for anything but a lab)
     * @param f          faulty replicas tolerated: the group has 3f+1 replicas
     * @param restarts   what happens to a service that ends by itself
     * @param linkTls    replication links over mutual TLS (false: plain TCP, to measure what TLS costs)
     */
    public record Settings(Path repository, Path data, int portOffset, boolean demo, boolean lab, int f,
                           RestartPolicy restarts, boolean linkTls) {

        public Settings {
            if (f < 1 || f > MAX_F) {
                throw new IllegalArgumentException("f must be between 1 and " + MAX_F + ", got " + f);
            }
        }

        int n() {
            return 3 * f + 1;
        }
    }

    private final Settings settings;
    private final LocalPorts ports;
    private final PrintWriter out;
    /**
     * JVM settings of the services every event passes through (replicas, gateway): they run long
     * and hot, so the full JIT (C2) pays for its slower start many times over. The serial
     * collector: the suite's JVMs share
     * this machine's cores, and a parallel or concurrent collector would take cores from the
     * others; with young collections of a few milliseconds, its pauses stay far below an ordering
     * timeout. 512 MB leaves room for the library's message queues under load and for the channel
     * logs within the replicas' retention budget (fitmon.broker.limits.max-total-retained-bytes).
     * A JVM out of memory exits: the library's threads would otherwise die one by one and leave a
     * process that looks alive and orders nothing, while an exit is a crash the group tolerates and
     * a supervisor restarts.
     */
    public static final List<String> HOT_PATH_JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError");

    /** The registry and the console serve little traffic: a small heap and C1 only, for a quick start. */
    public static final List<String> LIGHT_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError");

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<ChildProcess> started = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private LabServer labServer;

    public LocalSuite(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.ports = new LocalPorts(settings.portOffset(), settings.n());
        this.out = out;
    }

    public void start() throws IOException, InterruptedException {
        List<Integer> busy = ports.busy();
        if (!busy.isEmpty()) {
            throw new IOException("ports " + busy + " are in use: is another fitmon running? Stop it, or move this one"
                    + " with --port-offset");
        }
        Path data = settings.data().toAbsolutePath();
        requireNoSuiteOn(data);
        Files.createDirectories(data.resolve("logs"));
        Path brokerJar = jar("broker-service", "fitmon-broker-service-");
        Path registryJar = jar("registry-service", "fitmon-registry-service-");
        Path gatewayJar = jar("gateway", "fitmon-gateway-");
        Path consoleJar = jar("console-web", "fitmon-console-web-");
        Path clientJar = settings.repository().resolve("client/target/fitmon.jar");
        requireFile(clientJar);

        int n = settings.n();
        int f = settings.f();
        Path keys = data.resolve("keys");
        requireGroupOf(n, keys);
        if (!Files.exists(keys.resolve("public/replica-" + (n - 1) + ".pub.pem"))) {
            say("generating the replicas' RSA key pairs in " + keys + " (first start)");
            run("keygen", List.of(java, "-cp", brokerJar.toString(), "-Dloader.main=fitmon.broker.keygen.ReplicaKeyGen",
                    "org.springframework.boot.loader.launch.PropertiesLauncher", "--out", keys.toString(),
                    "--replicas", String.valueOf(n)), data);
        }

        Path adminKey = data.resolve("admin-key.json");
        boolean firstStart = !Files.exists(adminKey);
        String registryUrl = "http://127.0.0.1:" + ports.registry();
        ChildProcess registry = launch("registry", registryJar, () -> List.of("--server.port=" + ports.registry(),
                "--fitmon.registry.data-dir=" + data.resolve("registry"),
                "--fitmon.registry.bootstrap.key-file=" + adminKey), registryUrl + "/actuator/health", data);
        registry.awaitReady(START_TIMEOUT);
        say("registry ready at " + registryUrl);
        String caPublicKey = get(registryUrl + "/api/v1/ca").get("publicKey").asString();
        if (!settings.linkTls()) {
            say("PLAIN LINKS: the gateway and the replicas talk over plain TCP (--plain-links); never for real monitoring");
        }
        // every start: a certificate near its end is issued anew, the others are kept
        run("certificates", List.of(java, "-cp", brokerJar.toString(), "-Dloader.main=fitmon.broker.keygen.ReplicaKeyGen",
                "org.springframework.boot.loader.launch.PropertiesLauncher", "--out", keys.toString(),
                "--replicas", String.valueOf(n), "--link-certs", "--gateway-https", "--ca-dir",
                data.resolve("registry").toString()), data);

        List<String> peers = new ArrayList<>();
        List<String> replicaUrls = new ArrayList<>();
        List<String> publicKeys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add("127.0.0.1:" + ports.replicaBft(i));
            replicaUrls.add("http://127.0.0.1:" + ports.replicaHttp(i));
            publicKeys.add(keys.resolve("public/replica-" + i + ".pub.pem").toString());
        }
        ReplicaLab replicaLab = null;
        if (settings.lab()) {
            java.util.Map<String, String> byName = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                byName.put("replica-" + i, replicaUrls.get(i));
            }
            replicaLab = ReplicaLab.create(data, byName);
            say("LAB MODE: the replicas can be told to misbehave (`fitmon lab lie N --mode MODE`); token in "
                    + ReplicaLab.tokenFile(data));
        }
        List<ChildProcess> replicas = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // live, not ready: a replica is ready once its group ordered something, and on a fresh group
            // that takes the gateway started next
            String live = replicaUrls.get(i) + "/actuator/health/liveness";
            List<String> arguments = new ArrayList<>(List.of("--server.port=" + ports.replicaHttp(i),
                    "--fitmon.broker.replica-id=" + i, "--fitmon.broker.f=" + f,
                    "--fitmon.broker.peers=" + String.join(",", peers),
                    "--fitmon.broker.ca-public-key=" + caPublicKey,
                    "--fitmon.broker.keys.private-key-file=" + keys.resolve("replica-" + i + "/replica.key.pem"),
                    "--fitmon.broker.keys.public-key-files=" + String.join(",", publicKeys),
                    "--fitmon.broker.delivery.jwks-url=" + registryUrl + "/api/v1/tokens/jwks.json",
                    "--fitmon.broker.data-dir=" + data.resolve("broker-" + i)));
            if (settings.linkTls()) {
                arguments.add("--fitmon.broker.links.cert-file=" + keys.resolve("replica-" + i + "/link.cert.pem"));
                arguments.add("--fitmon.broker.links.key-file=" + keys.resolve("replica-" + i + "/link.key.pem"));
            }
            if (settings.lab()) {
                arguments.addAll(ReplicaLab.arguments(data));
            }
            replicas.add(launch("replica-" + i, brokerJar, () -> arguments, live, data));
        }
        for (ChildProcess replica : replicas) {
            replica.awaitReady(START_TIMEOUT);
        }
        say(n + " broker replicas running at " + String.join(", ", replicaUrls));

        // HTTPS on the fitmon CA's certificate; beside it, plain HTTP on loopback for the tools and
        // the console of this development suite
        String gatewayUrl = "http://127.0.0.1:" + ports.gateway();
        String gatewayHttpsUrl = "https://localhost:" + ports.gatewayHttps();
        ChildProcess gateway = launch("gateway", gatewayJar, () -> List.of("--server.port=" + ports.gatewayHttps(),
                "--server.ssl.bundle=gateway",
                "--spring.ssl.bundle.pem.gateway.keystore.certificate=file:" + keys.resolve("gateway/https.cert.pem"),
                "--spring.ssl.bundle.pem.gateway.keystore.private-key=file:" + keys.resolve("gateway/https.key.pem"),
                "--spring.ssl.bundle.pem.gateway.reload-on-update=true",
                // a key read before its certificate is refused, and the last good pair kept
                "--spring.ssl.bundle.pem.gateway.keystore.verify-keys=true",
                "--spring.ssl.bundle.pem.gateway.options.enabled-protocols=TLSv1.3",
                "--fitmon.gateway.plain-http.port=" + ports.gateway(),
                "--fitmon.gateway.registry.url=" + registryUrl,
                "--fitmon.gateway.registry.service-token-file=" + data.resolve("registry/service-token"),
                "--fitmon.gateway.cluster.f=" + f, "--fitmon.gateway.cluster.peers=" + String.join(",", peers),
                "--fitmon.gateway.cluster.replica-urls=" + String.join(",", replicaUrls),
                "--fitmon.gateway.cluster.link-tls=" + settings.linkTls(),
                // the replicas remember client ids; each gateway run, a restart included, takes new ones
                "--fitmon.gateway.cluster.first-client-id=" + (1000 + 4 * ThreadLocalRandom.current().nextInt(1, 100_000))),
                gatewayUrl + "/actuator/health/readiness", data);
        gateway.awaitReady(START_TIMEOUT);
        say("gateway ready at " + gatewayHttpsUrl + " (OpenAPI: " + gatewayHttpsUrl + "/swagger-ui.html); its certificate is "
                + "the fitmon CA's: trust " + data.resolve("registry/ca.cert.pem") + " (curl --cacert FILE, fitmon --ca-file FILE)");
        say("PLAIN HTTP gateway port for development at " + gatewayUrl + " (loopback only; the console and the demo "
                + "probe use HTTPS)");

        String consoleUrl = "http://localhost:" + ports.console();
        Path caCertificate = data.resolve("registry/ca.cert.pem");
        ChildProcess console = launch("console", consoleJar, () -> List.of("--server.port=" + ports.console(),
                "--fitmon.console.gateway-url=" + gatewayHttpsUrl, "--fitmon.console.gateway-ssl-bundle=fitmon-ca",
                "--spring.ssl.bundle.pem.fitmon-ca.truststore.certificate=file:" + caCertificate),
                "http://127.0.0.1:" + ports.console() + "/", data);
        console.awaitReady(START_TIMEOUT);

        JsonNode admin = JSON.readTree(Files.readString(adminKey));
        if (firstStart) {
            say("bootstrap admin API key (shown once; also in " + adminKey + "):");
            say("    key id: " + admin.get("keyId").asString());
            say("    secret: " + admin.get("secret").asString());
        } else {
            say("admin API key: in " + adminKey);
        }
        if (settings.demo()) {
            launchDemoProbe(clientJar, gatewayHttpsUrl, caCertificate, adminKey, data);
        }
        synchronized (started) {
            Lab lab = new Lab(started, START_TIMEOUT, () -> stopping, this::say, replicaLab);
            labServer = LabServer.start(lab, data);
        }
        say("fitmon is up: console " + consoleUrl + " (sign in with the admin key), logs in " + data.resolve("logs")
                + ". Ctrl-C stops everything.");
        String fitmon = settings.repository().resolve("client/bin/fitmon").normalize().toString();
        say("lab: from another terminal, `" + fitmon + " lab status`, `" + fitmon
                + " lab kill|restart|pause|resume NAME` (NAME: " + String.join(", ", names())
                + "; a replica also by its number)" + labDataHint(data)
                + (settings.lab() ? "; `" + fitmon + " lab lie 3 --mode equivocate` makes replica 3 lie" : ""));
    }

    /** A data directory belongs to one group size: its keys, and each replica's state, are for that group. */
    private static void requireGroupOf(int n, Path keys) throws IOException {
        Path publicKeys = keys.resolve("public");
        if (!Files.isDirectory(publicKeys)) {
            return;
        }
        long held;
        try (Stream<Path> files = Files.list(publicKeys)) {
            held = files.filter(file -> file.getFileName().toString().endsWith(".pub.pem")).count();
        }
        if (held > 0 && held != n) {
            throw new IOException("the data directory holds keys for a group of " + held + " replicas, not " + n
                    + " (--f " + (n - 1) / 3 + "): give each group size its own --data");
        }
    }

    /** The {@code --data} that {@code fitmon lab} needs, unless it is the default it assumes. */
    private String labDataHint(Path data) {
        Path defaultData = Path.of(DEFAULT_DATA).toAbsolutePath();
        return data.equals(defaultData) ? "" : " with --data " + data;
    }

    private List<String> names() {
        synchronized (started) {
            return started.stream().map(child -> child.name).toList();
        }
    }

    /** A second suite on the same data directory would share its databases and logs: refused. */
    private static void requireNoSuiteOn(Path data) throws IOException, InterruptedException {
        if (!Files.exists(LabEndpoint.file(data))) {
            return;
        }
        try {
            new LabClient(data).send("status", "");
        } catch (LabException e) {
            if (e.kind() == LabException.Kind.NOT_RUNNING) {
                return;
            }
        } catch (IOException e) {
            return; // not an endpoint file: replaced at the start
        }
        throw new IOException("another fitmon local runs with data directory " + data + " (see "
                + LabEndpoint.file(data) + "); stop it first, or give this one another --data");
    }

    private void launchDemoProbe(Path clientJar, String gatewayUrl, Path caCertificate, Path adminKey, Path data)
            throws IOException {
        ChildProcess demo = new ChildProcess("demo-probe", List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-jar",
                clientJar.toString(), "--gateway", gatewayUrl, "--ca-file", caCertificate.toString(),
                "--key-file", adminKey.toString(), "demo-probe",
                "--dir", data.resolve("demo-probe").toString(), "--tag", "demo.host"), data.resolve("logs/demo-probe.log"));
        demo.start();
        started.add(demo);
        say("demo probe publishing this host's load to channel demo.host (log: " + demo.log + ")");
    }

    /**
     * Blocks until the suite stops, reporting each service that exits meanwhile (see
     * {@link ExitWatcher}); the others keep running.
     */
    public void watch() throws InterruptedException {
        List<ChildProcess> services;
        synchronized (started) {
            services = List.copyOf(started);
        }
        new ExitWatcher(services, () -> stopping, this::say, settings.restarts()).watch();
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
        if (labServer != null) {
            labServer.close();
        }
        List<ChildProcess> running;
        synchronized (started) {
            running = new ArrayList<>(started);
        }
        Collections.reverse(running);
        for (ChildProcess child : running) {
            try {
                child.stop("the suite's stop", Duration.ofSeconds(20));
            } catch (IOException e) {
                say("could not stop " + child.name + " (pid " + child.pid() + "): " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a service whose arguments are made afresh for each run ({@code fitmon lab restart}
     * runs them again), ready once {@code readyUrl} answers 200.
     */
    private ChildProcess launch(String name, Path jar, Supplier<List<String>> arguments, String readyUrl, Path data)
            throws IOException {
        boolean hotPath = name.startsWith("replica-") || name.equals("gateway");
        Supplier<List<String>> command = () -> {
            List<String> line = new ArrayList<>(List.of(java));
            line.addAll(hotPath ? HOT_PATH_JVM_OPTIONS : LIGHT_JVM_OPTIONS);
            line.addAll(List.of("-jar", jar.toString()));
            line.addAll(arguments.get());
            return line;
        };
        ChildProcess child = new ChildProcess(name, command, data.resolve("logs/" + name + ".log"), Optional.of(readyUrl));
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
            throw new IOException(name + " failed; see " + child.log + "\n" + child.tail(25));
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
        synchronized (out) {
            out.println("fitmon-local: " + line);
            out.flush();
        }
    }
}
