package fitmon.client.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.ProbeDirectory;
import fitmon.client.probe.ProbeEnrollment;
import fitmon.core.crypto.SignatureAlgorithm;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Principals an admin creates through the gateway, for the console tests: consoles and enrolled probes. */
public final class Principals {

    public record Created(ApiKey apiKey, String bootstrapToken) {
    }

    private Principals() {
    }

    public static Created create(GatewayClient admin, String name, String kind) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", name).put("kind", kind);
        JsonNode created = admin.post("/api/v1/principals", body, false);
        return new Created(new ApiKey(created.at("/apiKey/keyId").asString(), created.at("/apiKey/secret").asString()),
                created.path("bootstrapToken").asString(null));
    }

    /** A probe principal, enrolled with an Ed25519 key in {@code directory} and approved. */
    public static ProbeClient enrolledProbe(GatewayClient admin, String probeId, Path directory) throws Exception {
        Created created = create(admin, probeId, "PROBE");
        GatewayClient probeGateway = admin.withApiKey(created.apiKey());
        ProbeDirectory probeDirectory = new ProbeDirectory(directory);
        ProbeEnrollment.State submitted = ProbeEnrollment.submit(probeGateway, probeDirectory, probeId,
                created.bootstrapToken(), SignatureAlgorithm.ED25519, created.apiKey());
        admin.post("/api/v1/enrollments/" + submitted.id() + "/approve", null, false);
        assertThat(ProbeEnrollment.check(probeGateway, probeDirectory).approved()).isTrue();
        return ProbeClient.open(directory, probeGateway);
    }
}
