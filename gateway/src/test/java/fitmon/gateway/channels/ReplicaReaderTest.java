package fitmon.gateway.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import fitmon.gateway.ordering.ClusterProperties;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read vote against four stand-in replicas on loopback that answer what each test tells them,
 * with read tokens from a stand-in registry.
 */
class ReplicaReaderTest {

    private final List<HttpServer> replicas = new ArrayList<>();
    private final List<AtomicReference<String>> bodies = new ArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    /** The token the replicas accept; null accepts any. */
    private final AtomicReference<String> accepted = new AtomicReference<>();
    private final List<String> bearers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** A replica that refuses every token (-1: none). */
    private final AtomicInteger refusing = new AtomicInteger(-1);
    private HttpServer registry;

    private ReplicaReadToken readTokens() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/internal/v1/read-tokens", exchange -> {
            byte[] bytes = ("{\"token\":\"token-" + tokensIssued.incrementAndGet()
                    + "\",\"expiresAt\":\"" + java.time.Instant.now().plusSeconds(900) + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        registry.start();
        RegistryClient client = new RegistryClient(new RegistryProperties("http://127.0.0.1:" + registry.getAddress().getPort(),
                "service-token", null, Duration.ofSeconds(5), Duration.ofSeconds(5), 100, Duration.ofSeconds(10), 100));
        return new ReplicaReadToken(client, "gateway-1", java.time.Clock.systemUTC());
    }

    private ReplicaReader reader(String... initial) throws IOException {
        List<String> urls = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (String body : initial) {
            AtomicReference<String> answer = new AtomicReference<>(body);
            int index = replicas.size();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                reads.incrementAndGet();
                String bearer = exchange.getRequestHeaders().getFirst("Authorization");
                bearers.add(bearer);
                if (refusing.get() == index || accepted.get() != null && !("Bearer " + accepted.get()).equals(bearer)) {
                    exchange.sendResponseHeaders(401, -1);
                    exchange.close();
                    return;
                }
                byte[] bytes = answer.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            replicas.add(server);
            bodies.add(answer);
            urls.add("http://127.0.0.1:" + server.getAddress().getPort());
            peers.add("127.0.0.1:" + (20000 + peers.size()));
        }
        return new ReplicaReader(new ClusterProperties(1, peers, urls, List.of(), Duration.ofSeconds(2), 1000, 4,
                Duration.ofSeconds(30), "gateway-1", Duration.ofSeconds(10), Duration.ofSeconds(5), false), readTokens());
    }

    @AfterEach
    void stop() {
        replicas.forEach(server -> server.stop(0));
        if (registry != null) {
            registry.stop(0);
        }
    }

    @Test
    void everyReadCarriesTheRegistrysTokenAndARefusedTokenIsReplaced() throws IOException {
        ReplicaReader reader = reader("[\"a\"]", "[\"a\"]", "[\"a\"]", "[\"a\"]");
        reader.read("/api/v1/channels");
        reader.read("/api/v1/channels");
        assertThat(bearers).hasSize(8).containsOnly("Bearer token-1");
        assertThat(tokensIssued.get()).as("one token serves many reads").isEqualTo(1);

        // the replicas now want another token (the registry's signing key changed, say)
        accepted.set("token-2");
        assertThat(reader.read("/api/v1/channels").body().toString()).isEqualTo("[\"a\"]");
        assertThat(tokensIssued.get()).isEqualTo(2);
    }

    @Test
    void oneReplicaRefusingEveryTokenNeitherStopsReadsNorSendsEachReadToTheRegistry() throws IOException {
        ReplicaReader reader = reader("[\"a\"]", "[\"a\"]", "[\"a\"]", "[\"a\"]");
        refusing.set(3);
        for (int i = 0; i < 5; i++) {
            assertThat(reader.read("/api/v1/channels").body().toString()).isEqualTo("[\"a\"]");
        }
        assertThat(tokensIssued.get()).as("a faulty replica's refusals do not discard the token").isEqualTo(1);
    }

    @Test
    void anAnswerOfAllButOneIsReturned() throws IOException {
        ReplicaReader reader = reader("[\"a\",\"b\"]", "[\"a\",\"b\"]", "[\"a\",\"b\"]", "[\"lie\"]");

        assertThat(reader.read("/api/v1/channels").body().toString()).isEqualTo("[\"a\",\"b\"]");
    }

    /**
     * Right after a write, two replicas have applied it and two not yet: two answers of f+1 each.
     * The reader reads again rather than take the one that happens to come first, and gets the
     * write once the others have applied it.
     */
    @Test
    void twoAnswersOfFPlusOneEachAreReadAgainUntilOneWins() throws Exception {
        ReplicaReader reader = reader("[\"old\"]", "[\"old\"]", "[\"old\",\"new\"]", "[\"old\",\"new\"]");
        Thread catchUp = new Thread(() -> {
            try {
                while (reads.get() < 4) {
                    Thread.sleep(5);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            bodies.get(0).set("[\"old\",\"new\"]");
            bodies.get(1).set("[\"old\",\"new\"]");
        });
        catchUp.start();

        assertThat(reader.read("/api/v1/channels").body().toString()).isEqualTo("[\"old\",\"new\"]");
        assertThat(reads.get()).as("more than one round").isGreaterThan(4);
        catchUp.join();
    }

    @Test
    void aSplitThatNeverEndsSettlesForAnAnswerOfFPlusOneInTheLastRound() throws IOException {
        ReplicaReader reader = reader("[\"x\"]", "[\"x\"]", "[\"y\"]", "[\"y\"]");

        assertThat(reader.read("/api/v1/channels").body().toString()).isIn("[\"x\"]", "[\"y\"]");
    }
}
