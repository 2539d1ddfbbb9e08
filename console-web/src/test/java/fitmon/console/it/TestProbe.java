package fitmon.console.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.function.LongFunction;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.testkit.SignedHttp;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe enrolled through the gateway as a real one is (principal, CSR with its bootstrap token,
 * approval), then registered on channels and publishing events signed with its own key.
 */
final class TestProbe {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final String probeId;
    final SignedHttp.ApiKey apiKey;
    private final MessageSigner signer;
    private final SignedHttp gateway;
    private long seq;

    private TestProbe(String probeId, SignedHttp.ApiKey apiKey, MessageSigner signer, SignedHttp gateway) {
        this.probeId = probeId;
        this.apiKey = apiKey;
        this.signer = signer;
        this.gateway = gateway;
    }

    static TestProbe enroll(SignedHttp gateway, SignedHttp.ApiKey admin, String probeId, SignatureAlgorithm algorithm)
            throws Exception {
        JsonNode created = body(gateway.post(admin, "/api/v1/principals",
                "{\"name\":\"" + probeId + "\",\"kind\":\"PROBE\"}"), 201);
        SignedHttp.ApiKey key = new SignedHttp.ApiKey(created.at("/apiKey/keyId").asString(),
                created.at("/apiKey/secret").asString());
        KeyPair keys = MessageSigner.generateKeyPair(algorithm);
        ObjectNode request = JSON.createObjectNode();
        request.put("bootstrapToken", created.get("bootstrapToken").asString());
        request.put("csr", csr(probeId, keys, algorithm));
        String id = body(gateway.post(null, "/api/v1/enrollments", request.toString()), 202).get("id").asString();
        assertThat(body(gateway.post(admin, "/api/v1/enrollments/" + id + "/approve", ""), 200).get("status").asString())
                .isEqualTo("APPROVED");
        return new TestProbe(probeId, key, new MessageSigner(algorithm, keys.getPrivate()), gateway);
    }

    private static String csr(String commonName, KeyPair keys, SignatureAlgorithm algorithm) throws Exception {
        String signature = algorithm == SignatureAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA";
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), keys.getPublic())
                    .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
        }
        return pem.toString();
    }

    void register(String tag) {
        body(gateway.post(apiKey, "/api/v1/channels/" + tag + "/registrations", ""), 201);
    }

    /**
     * Publishes the probe's next event; {@code data} makes its data from the probe's SEQ.
     *
     * @return the channel sequence number the replicas agreed on, -1 for the unordered classes
     */
    long publish(String tag, LongFunction<ObjectNode> data) {
        long n = ++seq;
        Event event = EventSigning.sign(new Event(probeId, tag, n, Instant.now().toString(), data.apply(n), null), signer);
        JsonNode answer = body(gateway.post(apiKey, "/api/v1/channels/" + tag + "/events",
                new String(EventJson.toBytes(event), StandardCharsets.UTF_8)), 202);
        JsonNode channelSeq = answer.path("channelSeqs").get(0);
        return channelSeq == null ? -1 : channelSeq.asLong(); // unordered classes have none
    }

    /** The SEQ of the last event published. */
    long lastSeq() {
        return seq;
    }

    static JsonNode body(HttpResponse<String> response, int expectedStatus) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }
}
