package fitmon.client.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.ProbeDirectory;
import fitmon.client.probe.ProbeEnrollment;
import fitmon.client.probe.PublishResult;
import fitmon.core.crypto.SignatureAlgorithm;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe for a first look at fitmon: with an admin key it sets itself up (principal, enrolment,
 * approval, a {@code BFT} channel, registration) and then publishes this host's load and memory.
 * Every step is idempotent, so it picks up where it was after a restart.
 */
public final class DemoProbe {

    private final GatewayClient admin;
    private final Path directory;
    private final String probeId;
    private final String tag;
    private final Consumer<String> log;
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private ProbeClient probe;

    /** @param admin a gateway client with an admin key: {@link #setUp} enrols the probe with it */
    public DemoProbe(GatewayClient admin, Path directory, String probeId, String tag, Consumer<String> log) {
        this.admin = admin;
        this.directory = directory;
        this.probeId = probeId;
        this.tag = tag;
        this.log = log;
    }

    /**
     * A demo probe set up earlier (by {@link #setUp}, maybe in another process), publishing with its
     * own key only: no admin key in this process.
     *
     * @throws IOException the directory holds no enrolled probe
     */
    public static DemoProbe enrolled(GatewayClient gateway, Path directory, String tag) throws IOException {
        if (!Files.exists(new ProbeDirectory(directory).certificateFile())) {
            throw new IOException(directory + " holds no enrolled probe: run `fitmon demo-probe --setup-only` with an"
                    + " admin key first");
        }
        DemoProbe demo = new DemoProbe(null, directory, null, tag, line -> { });
        demo.probe = ProbeClient.open(directory, gateway.withApiKey(null));
        return demo;
    }

    /** Enrols the probe if it has no certificate yet, then makes sure its channel and registration exist. */
    public void setUp() throws IOException {
        ProbeDirectory probeDirectory = new ProbeDirectory(directory);
        if (!Files.exists(probeDirectory.certificateFile())) {
            if (Files.exists(directory)) {
                throw new IOException(directory + " holds an unfinished enrolment; delete it to enrol the demo probe again");
            }
            ObjectNode principal = JsonNodeFactory.instance.objectNode().put("name", probeId).put("kind", "PROBE");
            JsonNode created = admin.post("/api/v1/principals", principal, false);
            ApiKey key = new ApiKey(created.at("/apiKey/keyId").asString(), created.at("/apiKey/secret").asString());
            ProbeEnrollment.State submitted = ProbeEnrollment.submit(admin, probeDirectory, probeId,
                    created.get("bootstrapToken").asString(), SignatureAlgorithm.ED25519, key);
            admin.post("/api/v1/enrollments/" + submitted.id() + "/approve", null, false);
            if (!ProbeEnrollment.check(admin.withApiKey(key), probeDirectory).approved()) {
                throw new IOException("the demo probe's enrolment was not approved");
            }
            log.accept("enrolled probe " + probeId);
        }
        // the probe signs with its own API key, stored at enrolment
        probe = ProbeClient.open(directory, admin.withApiKey(null));
        try {
            admin.get("/api/v1/channels/" + tag);
        } catch (GatewayProblemException e) {
            if (e.status() != 404) {
                throw e;
            }
            admin.post("/api/v1/channels", JsonNodeFactory.instance.objectNode().put("tag", tag).put("class", "BFT"), false);
            log.accept("created channel " + tag + " (BFT)");
        }
        probe.register(tag);
    }

    /** Publishes one reading; the result says whether the brokers took it. */
    public PublishResult publishReading() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("load1", Math.max(0, Math.round(os.getSystemLoadAverage() * 100) / 100.0));
        data.put("cpus", os.getAvailableProcessors());
        data.put("heapUsedMb", memory.getHeapMemoryUsage().getUsed() / (1024 * 1024));
        return probe.publish(tag, data);
    }
}
