package fitmon.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole fitmon back end in real processes on free ports: the registry (embedded database in a
 * fresh directory), 3f+1 broker replicas trusting the registry's CA, and a gateway in front of
 * them. {@link #close()} stops every process it started.
 */
public final class FitmonSuite implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path directory;
    private final String serviceToken = UUID.randomUUID().toString();
    private ServiceProcess registry;
    private BrokerCluster brokers;
    private String readToken;
    private Instant readTokenAt;
    private ServiceProcess gateway;
    private SignedHttp.ApiKey adminKey;

    private FitmonSuite(Path directory) {
        this.directory = directory;
    }

    /**
     * Starts everything and waits until the gateway is ready (connected to the replicas).
     *
     * @param gatewayArguments extra {@code --name=value} settings for the gateway
     */
    public static FitmonSuite start(Path directory, int f, List<String> gatewayArguments) throws Exception {
        return start(directory, f, gatewayArguments, List.of(), Map.of());
    }

    /**
     * As {@link #start(Path, int, List)}, with settings for the replicas.
     *
     * @param brokerArguments  more {@code --name=value} settings for every replica
     * @param replicaArguments settings for single replicas by id ({@code -Dname=value} goes to the JVM)
     */
    public static FitmonSuite start(Path directory, int f, List<String> gatewayArguments, List<String> brokerArguments,
                                    Map<Integer, List<String>> replicaArguments) throws Exception {
        FitmonSuite suite = new FitmonSuite(directory);
        try {
            suite.startAll(f, gatewayArguments, brokerArguments, replicaArguments);
            return suite;
        } catch (Exception | Error e) {
            suite.close();
            throw e;
        }
    }

    private void startAll(int f, List<String> gatewayArguments, List<String> brokerArguments,
                          Map<Integer, List<String>> replicaArguments) throws Exception {
        Files.createDirectories(directory);
        Path adminKeyFile = directory.resolve("admin-key.json");
        registry = new ServiceProcess("registry", "fitmon.registry.jar", FreePorts.single(), List.of(
                "--fitmon.registry.data-dir=" + directory.resolve("registry"),
                "--fitmon.registry.service-token=" + serviceToken,
                "--fitmon.registry.bootstrap.key-file=" + adminKeyFile), directory);
        registry.start();
        awaitHealthy(registry, "/actuator/health", Duration.ofSeconds(120));
        JsonNode adminKeyJson = JSON.readTree(Files.readString(adminKeyFile));
        adminKey = new SignedHttp.ApiKey(adminKeyJson.get("keyId").asString(), adminKeyJson.get("secret").asString());
        JsonNode ca = JSON.readTree(get(registryUrl() + "/api/v1/ca").body());
        byte[] caPublicKey = Base64.getDecoder().decode(ca.get("publicKey").asString());

        List<String> allBrokerArguments = new ArrayList<>(brokerArguments);
        allBrokerArguments.add("--fitmon.broker.delivery.jwks-url=" + registryUrl() + "/api/v1/tokens/jwks.json");
        brokers = new BrokerCluster(f, caPublicKey, directory.resolve("brokers"), allBrokerArguments, replicaArguments);
        brokers.readTokens(this::readToken);
        brokers.startAll();
        // as in production: a replica's fail-stop (the library wedged at start-up leader changes,
        // for one) ends in a restart, not in a suite short of a replica for the rest of the tests
        brokers.restartReplicasThatEndThemselves();

        List<String> replicaUrls = new ArrayList<>();
        for (int i = 0; i < brokers.n(); i++) {
            replicaUrls.add(brokers.httpUrl(i));
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--fitmon.gateway.registry.url=" + registryUrl(),
                "--fitmon.gateway.registry.service-token=" + serviceToken,
                "--fitmon.gateway.cluster.f=" + f,
                "--fitmon.gateway.cluster.peers=" + String.join(",", brokers.peerAddresses()),
                "--fitmon.gateway.cluster.replica-urls=" + String.join(",", replicaUrls),
                "--fitmon.gateway.cluster.ordering-timeout=1s",
                // client ids must differ between gateway runs the replicas see
                "--fitmon.gateway.cluster.first-client-id=" + (1000 + 4 * ThreadLocalRandom.current().nextInt(1, 100_000))));
        arguments.addAll(gatewayArguments);
        gateway = new ServiceProcess("gateway", "fitmon.gateway.jar", FreePorts.single(), arguments, directory);
        gateway.start();
        awaitHealthy(gateway, "/actuator/health/readiness", Duration.ofSeconds(180));
    }

    private static void awaitHealthy(ServiceProcess process, String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IllegalStateException(process.name() + " exited during start; see " + process.logFile()
                        + "\n" + tail(process.logFile()));
            }
            try {
                HttpResponse<String> response = get("http://127.0.0.1:" + process.httpPort() + path);
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(process.name() + " not healthy after " + timeout.toSeconds() + " s (" + last
                + "); see " + process.logFile() + "\n" + tail(process.logFile()));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A console token for every channel, as the registry gives the gateway one (valid 15 minutes:
     * a new one is asked for after 10).
     */
    public synchronized String readToken() {
        if (readToken != null && Instant.now().isBefore(readTokenAt.plus(Duration.ofMinutes(10)))) {
            return readToken;
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl() + "/internal/v1/read-tokens"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("X-Fitmon-Service-Token", serviceToken)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"testkit\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("the registry refused a read token: " + response.statusCode() + " "
                        + response.body());
            }
            readToken = JSON.readTree(response.body()).get("token").asString();
            readTokenAt = Instant.now();
            return readToken;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registry.httpPort();
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.httpPort();
    }

    public SignedHttp gatewayClient() {
        return new SignedHttp(gatewayUrl());
    }

    /** The bootstrap admin's key the registry wrote on its first start. */
    public SignedHttp.ApiKey adminKey() {
        return adminKey;
    }

    public String serviceToken() {
        return serviceToken;
    }

    public BrokerCluster brokers() {
        return brokers;
    }

    public ServiceProcess gatewayProcess() {
        return gateway;
    }

    public ServiceProcess registryProcess() {
        return registry;
    }

    @Override
    public void close() {
        for (AutoCloseable part : new AutoCloseable[] {gateway, brokers, registry}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
