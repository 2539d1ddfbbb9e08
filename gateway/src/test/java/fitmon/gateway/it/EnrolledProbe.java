package fitmon.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Instant;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.testkit.SignedHttp;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe taken through the real flow: an admin creates its principal, the probe enrolls with a
 * PKCS#10 request and its bootstrap token, the admin approves. It then signs events with its key.
 */
final class EnrolledProbe {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final String probeId;
    final SignedHttp.ApiKey apiKey;
    final MessageSigner signer;
    private long seq;

    private EnrolledProbe(String probeId, SignedHttp.ApiKey apiKey, MessageSigner signer) {
        this.probeId = probeId;
        this.apiKey = apiKey;
        this.signer = signer;
    }

    static EnrolledProbe enroll(SignedHttp gateway, SignedHttp.ApiKey admin, String probeId, SignatureAlgorithm algorithm)
            throws Exception {
        JsonNode created = GatewayIT.created(gateway.post(admin, "/api/v1/principals",
                "{\"name\":\"" + probeId + "\",\"kind\":\"PROBE\"}"));
        SignedHttp.ApiKey key = new SignedHttp.ApiKey(created.at("/apiKey/keyId").asString(),
                created.at("/apiKey/secret").asString());
        KeyPair keys = MessageSigner.generateKeyPair(algorithm);
        String csr = csr(probeId, keys, algorithm);
        ObjectNode request = JSON.createObjectNode();
        request.put("bootstrapToken", created.get("bootstrapToken").asString());
        request.put("csr", csr);
        HttpResponse<String> submitted = gateway.post(null, "/api/v1/enrollments", request.toString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = JSON.readTree(submitted.body()).get("id").asString();
        HttpResponse<String> approved = gateway.post(admin, "/api/v1/enrollments/" + id + "/approve", "");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).get("status").asString()).isEqualTo("APPROVED");
        return new EnrolledProbe(probeId, key, new MessageSigner(algorithm, keys.getPrivate()));
    }

    /** A principal of another kind (ADMIN, OPERATOR, CONSOLE) and its key. */
    static SignedHttp.ApiKey principal(SignedHttp gateway, SignedHttp.ApiKey admin, String name, String kind) {
        JsonNode created = GatewayIT.created(gateway.post(admin, "/api/v1/principals",
                "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\"}"));
        return new SignedHttp.ApiKey(created.at("/apiKey/keyId").asString(), created.at("/apiKey/secret").asString());
    }

    static String csr(String commonName, KeyPair keys, SignatureAlgorithm algorithm) throws Exception {
        String signatureName = algorithm == SignatureAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA";
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName),
                keys.getPublic()).build(new JcaContentSignerBuilder(signatureName).build(keys.getPrivate()));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(csr);
        }
        return pem.toString();
    }

    /** The next event of this probe, signed with its key. */
    String next(String tag) {
        return nextSignedBy(tag, signer);
    }

    /** The next event in this probe's name, signed with some other key. */
    String nextSignedBy(String tag, MessageSigner otherSigner) {
        return new String(EventJson.toBytes(EventSigning.sign(unsigned(probeId, tag, ++seq), otherSigner)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** An event in another probe's name, signed with this probe's key. */
    String impersonating(String otherProbeId, String tag) {
        return new String(EventJson.toBytes(EventSigning.sign(unsigned(otherProbeId, tag, 1), signer)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Event unsigned(String probeId, String tag, long n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("load1", (n % 100) / 100.0);
        data.put("n", n);
        return new Event(probeId, tag, n, Instant.now().toString(), data, null);
    }
}
