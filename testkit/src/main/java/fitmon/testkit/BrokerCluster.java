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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * n broker-service replicas in separate JVMs on free loopback ports, with HTTP access to each
 * replica's read API. Every process it starts is stopped by {@link #close()}.
 */
public final class BrokerCluster implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int f;
    private final List<Integer> replicaPorts = new ArrayList<>();
    private final List<ServiceProcess> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public BrokerCluster(int f, byte[] caPublicKeySpki, Path logDirectory) throws IOException {
        this(f, caPublicKeySpki, logDirectory, List.of());
    }

    /** @param extraArguments more {@code --name=value} settings given to every replica */
    public BrokerCluster(int f, byte[] caPublicKeySpki, Path logDirectory, List<String> extraArguments) throws IOException {
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
        List<String> publicKeyFiles = new ArrayList<>();
        List<Path> privateKeyFiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KeyPairGenerator generator;
            try {
                generator = KeyPairGenerator.getInstance("RSA");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path publicKey = logDirectory.resolve("replica-" + i + ".pub.pem");
            Path privateKey = logDirectory.resolve("replica-" + i + ".key.pem");
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            publicKeyFiles.add(publicKey.toAbsolutePath().toString());
            privateKeyFiles.add(privateKey.toAbsolutePath());
        }
        List<String> common = List.of(
                "--fitmon.broker.keys.public-key-files=" + String.join(",", publicKeyFiles),
                "--fitmon.broker.f=" + f,
                "--fitmon.broker.peers=" + String.join(",", peers),
                "--fitmon.broker.ca-public-key=" + Base64.getEncoder().encodeToString(caPublicKeySpki),
                "--fitmon.broker.ordering-timeout=1s",
                "--logging.level.bftsmart=WARN");
        for (int i = 0; i < n; i++) {
            List<String> arguments = new ArrayList<>(common);
            arguments.addAll(extraArguments);
            arguments.add("--fitmon.broker.replica-id=" + i);
            arguments.add("--fitmon.broker.keys.private-key-file=" + privateKeyFiles.get(i));
            replicas.add(new ServiceProcess("replica-" + i, "fitmon.broker.jar", FreePorts.single(), arguments, logDirectory));
        }
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

    public void startAll() throws IOException {
        for (ServiceProcess replica : replicas) {
            replica.start();
        }
    }

    /** GET on a replica's read API; the parsed body, or null when the replica does not answer. */
    public JsonNode get(int replica, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + replicas.get(replica).httpPort() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
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
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.get(replica).httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode replicaStatus(int replica) {
        return get(replica, "/api/v1/replica");
    }

    public String digest(int replica) {
        JsonNode status = replicaStatus(replica);
        return status == null ? null : status.get("digest").asString();
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
        for (ServiceProcess replica : replicas) {
            try {
                replica.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
