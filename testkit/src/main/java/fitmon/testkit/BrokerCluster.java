package fitmon.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * n broker-service replicas in separate JVMs on free loopback ports, with HTTP access to each
 * replica's read API. Every process it starts is stopped by {@link #close()}.
 *
 * <p>The read API wants a console token. Unless the replicas are given the JWKS of a registry
 * ({@code --fitmon.broker.delivery.jwks-url}), the cluster serves its own
 * ({@link ConsoleTokenFixture}) and reads with a token of it; with a registry, whoever starts the
 * cluster says where read tokens come from ({@link #readTokens(Supplier)}).
 */
public final class BrokerCluster implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String JWKS_URL = "fitmon.broker.delivery.jwks-url";

    private final int f;
    private final List<Integer> replicaPorts = new ArrayList<>();
    private final List<ServiceProcess> replicas = new ArrayList<>();
    private final List<Path> privateKeyFiles = new ArrayList<>();
    private final List<Path> publicKeyFiles = new ArrayList<>();
    private final List<String> common = new ArrayList<>();
    private final List<List<String>> replicaArguments = new ArrayList<>();
    private final Path logDirectory;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ConsoleTokenFixture ownTokens;
    private volatile Supplier<String> readTokens;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    public BrokerCluster(int f, byte[] caPublicKeySpki, Path logDirectory) throws IOException {
        this(f, caPublicKeySpki, logDirectory, List.of());
    }

    /** @param extraArguments more {@code --name=value} settings given to every replica */
    public BrokerCluster(int f, byte[] caPublicKeySpki, Path logDirectory, List<String> extraArguments) throws IOException {
        this(f, caPublicKeySpki, logDirectory, extraArguments, Map.of());
    }

    /**
     * @param extraArguments   more {@code --name=value} settings given to every replica
     * @param replicaArguments settings for single replicas by id ({@code -Dname=value} goes to the JVM)
     */
    public BrokerCluster(int f, byte[] caPublicKeySpki, Path logDirectory, List<String> extraArguments,
                         Map<Integer, List<String>> replicaArguments) throws IOException {
        this.f = f;
        int n = 3 * f + 1;
        Files.createDirectories(logDirectory);
        for (int i = 0; i < n; i++) {
            replicaPorts.add(FreePorts.pair());
        }
        List<String> peers = new ArrayList<>();
        for (int port : replicaPorts) {
            peers.add("127.0.0.1:" + port);
        }
        // Each replica gets its own RSA key pair; every replica knows all public keys.
        for (int i = 0; i < n; i++) {
            Path publicKey = logDirectory.resolve("replica-" + i + ".pub.pem");
            Path privateKey = logDirectory.resolve("replica-" + i + ".key.pem");
            writeRsaKeyPair(privateKey, publicKey);
            publicKeyFiles.add(publicKey.toAbsolutePath());
            privateKeyFiles.add(privateKey.toAbsolutePath());
        }
        this.logDirectory = logDirectory;
        common.addAll(List.of(
                "--fitmon.broker.f=" + f,
                "--fitmon.broker.peers=" + String.join(",", peers),
                "--fitmon.broker.ca-public-key=" + Base64.getEncoder().encodeToString(caPublicKeySpki),
                "--fitmon.broker.ordering-timeout=1s",
                "--logging.level.bftsmart=WARN"));
        common.addAll(extraArguments);
        if (extraArguments.stream().anyMatch(a -> a.startsWith("--" + JWKS_URL + "="))) {
            ownTokens = null;
            readTokens = () -> null;
        } else {
            ownTokens = ConsoleTokenFixture.start();
            common.add("--" + JWKS_URL + "=" + ownTokens.jwksUrl());
            String token = ownTokens.token("testkit-reader", List.of("*"), Instant.now().plus(Duration.ofDays(1)));
            readTokens = () -> token;
        }
        for (int i = 0; i < n; i++) {
            this.replicaArguments.add(List.copyOf(replicaArguments.getOrDefault(i, List.of())));
            replicas.add(process(i, privateKeyFiles.get(i), publicKeyFiles, FreePorts.single()));
        }
    }

    private ServiceProcess process(int i, Path privateKeyFile, List<Path> publicKeyFiles, int httpPort) {
        List<String> arguments = new ArrayList<>();
        arguments.add("--fitmon.broker.keys.public-key-files="
                + String.join(",", publicKeyFiles.stream().map(p -> p.toAbsolutePath().toString()).toList()));
        arguments.addAll(common);
        arguments.addAll(replicaArguments.get(i));
        arguments.add("--fitmon.broker.replica-id=" + i);
        arguments.add("--fitmon.broker.keys.private-key-file=" + privateKeyFile.toAbsolutePath());
        return new ServiceProcess("replica-" + i, "fitmon.broker.jar", httpPort, arguments, logDirectory);
    }

    /** Writes a fresh 2048-bit RSA pair: the private key as PKCS#8 PEM, the public key as X.509 PEM. */
    public static void writeRsaKeyPair(Path privateKeyFile, Path publicKeyFile) throws IOException {
        KeyPairGenerator generator;
        try {
            generator = KeyPairGenerator.getInstance("RSA");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(publicKeyFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        Files.writeString(privateKeyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    /** The private key file generated for a replica. */
    public Path privateKeyFile(int replica) {
        return privateKeyFiles.get(replica);
    }

    /** The public key files every replica is given by default, by replica id. */
    public List<Path> publicKeyFiles() {
        return List.copyOf(publicKeyFiles);
    }

    /**
     * Has a stopped replica use other key files from its next start on: its own private key and
     * the public key it expects of every replica, by id. The replica keeps its ports, arguments and
     * log file; {@link #replica(int)} returns a new {@link ServiceProcess} afterwards.
     */
    public void useKeys(int replica, Path privateKeyFile, List<Path> publicKeyFiles) {
        if (publicKeyFiles.size() != n()) {
            throw new IllegalArgumentException("need " + n() + " public key files, got " + publicKeyFiles.size());
        }
        ServiceProcess current = replicas.get(replica);
        if (current.alive()) {
            throw new IllegalStateException(current.name() + " is running: stop it before changing its keys");
        }
        replicas.set(replica, process(replica, privateKeyFile, List.copyOf(publicKeyFiles), current.httpPort()));
    }

    /**
     * Gives every replica, before it starts, a link certificate of {@code ca} ({@code replica-N},
     * Ed25519, valid a day): its client and peer ports then speak mutual TLS, and clients must
     * show a gateway certificate of the same CA.
     */
    public void useLinkCertificates(fitmon.core.pki.CertificateAuthority ca) throws IOException {
        for (int i = 0; i < n(); i++) {
            ServiceProcess current = replicas.get(i);
            if (current.alive()) {
                throw new IllegalStateException(current.name() + " is running: give it a link certificate before it starts");
            }
            KeyPair pair;
            try {
                pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Instant now = Instant.now();
            Path cert = logDirectory.resolve("replica-" + i + ".link.cert.pem").toAbsolutePath();
            Path key = logDirectory.resolve("replica-" + i + ".link.key.pem").toAbsolutePath();
            try {
                Files.writeString(cert, pem("CERTIFICATE", ca.issueReplicaCertificate(i, pair.getPublic(),
                        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))).getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
            Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            List<String> arguments = new ArrayList<>(replicaArguments.get(i));
            arguments.add("--fitmon.broker.links.cert-file=" + cert);
            arguments.add("--fitmon.broker.links.key-file=" + key);
            replicaArguments.set(i, List.copyOf(arguments));
            replicas.set(i, process(i, privateKeyFiles.get(i), publicKeyFiles, current.httpPort()));
        }
    }

    /** Has a stopped replica use the key files generated for it again. */
    public void useGeneratedKeys(int replica) {
        useKeys(replica, privateKeyFiles.get(replica), publicKeyFiles);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public int n() {
        return replicas.size();
    }

    public int f() {
        return f;
    }

    public List<String> peerAddresses() {
        return replicaPorts.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    /** Base URL of a replica's HTTP API (read API, actuator). */
    public String httpUrl(int replica) {
        return "http://127.0.0.1:" + replicas.get(replica).httpPort();
    }

    public ServiceProcess replica(int id) {
        return replicas.get(id);
    }

    /**
     * From now on, a replica that ends by itself (a fail-stop of ours: the library wedged, its
     * message thread died) is started again within a second, as docker-compose ({@code restart:
     * unless-stopped}) and Kubernetes do; it rejoins and catches up. Replicas the test kills or
     * closes are left alone. Stops with {@link #close()}.
     */
    public void restartReplicasThatEndThemselves() {
        Thread supervisor = new Thread(() -> {
            while (!closed) {
                for (ServiceProcess replica : replicas) {
                    restartIfEndedByItself(replica);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "replica-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private void restartIfEndedByItself(ServiceProcess replica) {
        synchronized (replica) {
            if (closed || !replica.endedByItself()) {
                return;
            }
            System.out.println("BrokerCluster: " + replica.name() + " ended by itself (exit code " + replica.exitCode()
                    + ", log " + replica.logFile() + "); starting it again");
            try {
                replica.start();
                restarts.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                System.out.println("BrokerCluster: could not start " + replica.name() + " again: " + e);
            }
        }
    }

    /** Replicas started again by {@link #restartReplicasThatEndThemselves()} so far. */
    public int restartsOfReplicasThatEndedThemselves() {
        return restarts.get();
    }

    public void startAll() throws IOException {
        for (ServiceProcess replica : replicas) {
            replica.start();
        }
    }

    /** GET on a replica's read API; the parsed body, or null when the replica does not answer. */
    /** Where the console tokens for {@link #get} and {@link #raw} come from (null: read without one). */
    public void readTokens(Supplier<String> tokens) {
        this.readTokens = tokens;
    }

    private HttpRequest readRequest(int replica, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + replicas.get(replica).httpPort() + path)).timeout(Duration.ofSeconds(10));
        String token = readTokens.get();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.GET().build();
    }

    public JsonNode get(int replica, String path) {
        try {
            HttpResponse<String> response = http.send(readRequest(replica, path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Status code and body of a GET, for error checks. */
    public HttpResponse<String> raw(int replica, String path) throws IOException, InterruptedException {
        return http.send(readRequest(replica, path), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode replicaStatus(int replica) {
        return get(replica, "/api/v1/replica");
    }

    public String digest(int replica) {
        JsonNode status = replicaStatus(replica);
        return status == null ? null : status.get("digest").asString();
    }

    /** Whether a replica reports state READY (connected to its group). */
    public boolean ready(int replica) {
        JsonNode status = replicaStatus(replica);
        return status != null && "READY".equals(status.get("state").asString());
    }

    /** How many replicas report READY. */
    public int readyCount() {
        int ready = 0;
        for (int r = 0; r < n(); r++) {
            if (ready(r)) {
                ready++;
            }
        }
        return ready;
    }

    /** Whether every listed replica answers with one and the same state digest. */
    public boolean sameDigest(List<Integer> replicas) {
        java.util.Set<String> digests = new java.util.HashSet<>();
        for (int r : replicas) {
            String digest = digest(r);
            if (digest == null) {
                return false;
            }
            digests.add(digest);
        }
        return digests.size() == 1;
    }

    /** Waits until the listed replicas report the same state digest; a timeout names what each reported. */
    public void awaitSameDigest(List<Integer> replicas, Duration timeout) throws InterruptedException {
        try {
            await("replicas " + replicas + " to report the same state digest", timeout, () -> sameDigest(replicas));
        } catch (AssertionError e) {
            StringBuilder statuses = new StringBuilder(e.getMessage());
            for (int r : replicas) {
                statuses.append("\n  replica ").append(r).append(": ").append(replicaStatus(r));
            }
            throw new AssertionError(statuses.toString(), e);
        }
    }

    /** Every event of a channel's retained log on one replica, as canonical envelope strings by channel seq. */
    public List<String> log(int replica, String tag) {
        List<String> out = new ArrayList<>();
        long from = 1;
        while (true) {
            JsonNode page = get(replica, "/api/v1/channels/" + tag + "/events?fromSeq=" + from + "&limit=1000");
            if (page == null) {
                throw new IllegalStateException("replica " + replica + " did not return the log of " + tag);
            }
            for (JsonNode delivery : page.get("events")) {
                out.add(delivery.get("channelSeq").asLong() + " " + delivery.get("orderedAt").asString() + " "
                        + delivery.get("event").toString());
            }
            if (page.get("events").isEmpty()) {
                return out;
            }
            from = page.get("nextFromSeq").asLong();
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    @Override
    public void close() {
        closed = true;
        for (ServiceProcess replica : replicas) {
            try {
                replica.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownTokens != null) {
            ownTokens.close();
        }
    }
}
