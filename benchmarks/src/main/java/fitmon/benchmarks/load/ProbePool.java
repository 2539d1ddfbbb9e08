package fitmon.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.client.probe.ProbeDirectory;
import fitmon.client.probe.ProbeEnrollment;
import fitmon.core.crypto.SignatureAlgorithm;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generator's probe identities: created (principal, Ed25519 enrollment, approval) the first
 * time, then kept under {@code cache/<admin key id>/probe-<i>} and reused by later runs against the
 * same suite (the admin key id names the suite: a fresh registry makes a fresh bootstrap key).
 */
public final class ProbePool {

    private static final int ENROLL_THREADS = 4;

    private final GatewayClient admin;
    private final Path directory;
    private final Consumer<String> log;

    public ProbePool(GatewayClient admin, Path cache, Consumer<String> log) {
        this.admin = admin;
        this.directory = cache.resolve(admin.apiKey().keyId());
        this.log = log;
    }

    /** The first {@code count} identities, enrolling those the cache does not hold yet. */
    public List<BenchProbe> probes(int count) throws Exception {
        Files.createDirectories(directory);
        ExecutorService pool = Executors.newFixedThreadPool(ENROLL_THREADS);
        try {
            List<Future<BenchProbe>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> probe(index)));
            }
            List<BenchProbe> probes = new ArrayList<>();
            for (Future<BenchProbe> future : futures) {
                probes.add(future.get());
            }
            return probes;
        } finally {
            pool.shutdownNow();
        }
    }

    private BenchProbe probe(int index) throws IOException {
        ProbeDirectory probe = new ProbeDirectory(directory.resolve("probe-" + index));
        if (!probe.enrolled()) {
            enroll(probe, index);
        }
        ApiKey key = probe.apiKey();
        return new BenchProbe(probe.credentials(), probe.sequence(), admin.withApiKey(key));
    }

    private void enroll(ProbeDirectory probe, int index) throws IOException {
        // an unfinished enrollment (the token is spent) cannot be resumed by us: start over
        deleteTree(probe.path());
        // a random part: the registry keeps the names of probes whose cache was deleted
        String name = "bench-" + Long.toString(Math.abs(System.nanoTime() ^ Double.doubleToLongBits(Math.random())), 36)
                .substring(0, 6) + "-" + index;
        ObjectNode principal = JsonNodeFactory.instance.objectNode().put("name", name).put("kind", "PROBE");
        JsonNode created = admin.post("/api/v1/principals", principal, false);
        ApiKey key = new ApiKey(created.at("/apiKey/keyId").asString(), created.at("/apiKey/secret").asString());
        ProbeEnrollment.State submitted = ProbeEnrollment.submit(admin, probe, name,
                created.get("bootstrapToken").asString(), SignatureAlgorithm.ED25519, key);
        admin.post("/api/v1/enrollments/" + submitted.id() + "/approve", null, false);
        if (!ProbeEnrollment.check(admin.withApiKey(key), probe).approved()) {
            throw new IOException("the enrollment of bench probe " + name + " was not approved");
        }
        log.accept("enrolled probe " + name);
    }

    /**
     * Registers every probe to a channel, in parallel. Right after an approval the gateway may still
     * hold the probe as not enrolled (its registry cache), so NOT_ENROLLED is retried for a while.
     */
    public static void registerAll(List<BenchProbe> probes, String tag) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ENROLL_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BenchProbe probe : probes) {
                futures.add(pool.submit(() -> {
                    registerPatiently(probe, tag);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void registerPatiently(BenchProbe probe, String tag) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                probe.register(tag);
                return;
            } catch (GatewayProblemException e) {
                if (!"NOT_ENROLLED".equals(e.code()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
