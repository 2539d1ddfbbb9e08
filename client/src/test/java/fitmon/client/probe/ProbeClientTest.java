package fitmon.client.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpServer;
import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.client.http.GatewayProblemException;
import fitmon.client.http.RetryPolicy;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.core.pki.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Signing, sequencing and the reading of publish answers, against a local HTTP server playing the gateway. */
class ProbeClientTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon test CA");

    @TempDir
    Path dir;

    private HttpServer server;
    private final ConcurrentLinkedQueue<String[]> script = new ConcurrentLinkedQueue<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String[] answer = script.poll();
            if (answer == null || answer[0].equals("drop")) {
                exchange.close();
                return;
            }
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ProbeCredentials credentials(SignatureAlgorithm algorithm) {
        KeyPair keys = MessageSigner.generateKeyPair(algorithm);
        X509Certificate certificate = CA.issueProbeCertificate("web-01", keys.getPublic(),
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
        return ProbeCredentials.of(keys.getPrivate(), certificate);
    }

    private ProbeClient client(ProbeCredentials credentials) {
        GatewayClient gateway = GatewayClient.builder("http://127.0.0.1:" + server.getAddress().getPort())
                .apiKey(new ApiKey("fk_probe", "secret"))
                .retryPolicy(new RetryPolicy(3, Duration.ZERO, Duration.ZERO)).build();
        return new ProbeClient(credentials, new SequenceFile(dir.resolve("seq.json")), gateway);
    }

    private static String appended(long... channelSeqs) {
        StringBuilder results = new StringBuilder();
        for (long s : channelSeqs) {
            results.append(results.length() == 0 ? "" : ",").append("{\"status\":\"APPENDED\",\"channelSeq\":").append(s)
                    .append(",\"orderedAt\":\"2026-11-23T02:31:45.123Z\"}");
        }
        return "{\"tag\":\"host.cpu\",\"results\":[" + results + "]}";
    }

    @Test
    void signsEnvelopesSoTheBrokersVerifyThemWithTheCertifiedKey() throws GeneralSecurityException {
        for (SignatureAlgorithm algorithm : List.of(SignatureAlgorithm.ED25519, SignatureAlgorithm.ES256)) {
            ProbeCredentials credentials = credentials(algorithm);
            Event event = client(credentials).sign("host.cpu", 5, "2026-11-23T02:31:45.123Z",
                    JSON.readTree("{\"b\":1,\"a\":[1.0,\"x\"]}"));
            VerificationKey key = VerificationKey.of(credentials.certificate().getPublicKey());
            assertThat(EventSigning.verify(event, key)).isEqualTo(EventSigning.Verdict.VALID);
            assertThat(event.sig().alg()).isEqualTo(algorithm.envelopeName());
            assertThat(event.probeId()).isEqualTo("web-01");
        }
    }

    @Test
    void publishesOneEnvelopeOrABatchNumberedFromThePersistentCounter() throws Exception {
        ProbeCredentials credentials = credentials(SignatureAlgorithm.ED25519);
        VerificationKey key = VerificationKey.of(credentials.certificate().getPublicKey());
        script.add(new String[] {"202", appended(1)});
        script.add(new String[] {"202", appended(2, 3, 4)});

        PublishResult single = client(credentials).publish("host.cpu", JSON.readTree("{\"load1\":0.42}"));
        List<PublishResult> batch = client(credentials).publish("host.cpu",
                List.of(JSON.readTree("{\"n\":1}"), JSON.readTree("{\"n\":2}"), JSON.readTree("{\"n\":3}")));

        assertThat(single).isEqualTo(new PublishResult(1, PublishResult.Status.APPENDED, 1L, "2026-11-23T02:31:45.123Z",
                null, null));
        assertThat(batch).extracting(PublishResult::seq).containsExactly(2L, 3L, 4L);
        assertThat(batch).extracting(PublishResult::channelSeq).containsExactly(2L, 3L, 4L);

        Event sent = EventJson.parse(bodies.get(0));
        assertThat(sent.seq()).isEqualTo(1);
        assertThat(EventSigning.verify(sent, key)).isEqualTo(EventSigning.Verdict.VALID);
        JsonNode batchBody = JSON.readTree(bodies.get(1));
        assertThat(batchBody.propertyNames()).containsExactly("events");
        for (int i = 0; i < 3; i++) {
            Event e = EventJson.fromTree(batchBody.get("events").get(i));
            assertThat(e.seq()).isEqualTo(2 + i);
            assertThat(EventSigning.verify(e, key)).isEqualTo(EventSigning.Verdict.VALID);
        }
        assertThat(Files.readString(dir.resolve("seq.json"))).contains("\"lastSeq\":4");
    }

    @Test
    void withBatchSignaturesEachRequestIsSignedOnceAndEveryEventStillVerifiesAlone() throws Exception {
        ProbeCredentials credentials = credentials(SignatureAlgorithm.ED25519);
        VerificationKey key = VerificationKey.of(credentials.certificate().getPublicKey());
        script.add(new String[] {"202", appended(1, 2, 3)});
        script.add(new String[] {"202", appended(4)});
        ProbeClient client = client(credentials).withBatchSignatures();

        client.publish("host.cpu", List.of(JSON.readTree("{\"n\":1}"), JSON.readTree("{\"n\":2}"),
                JSON.readTree("{\"n\":3}")));
        client.publish("host.cpu", JSON.readTree("{\"n\":4}"));

        JsonNode batchBody = JSON.readTree(bodies.get(0));
        for (int i = 0; i < 3; i++) {
            Event e = EventJson.fromTree(batchBody.get("events").get(i));
            assertThat(e.sig().batch().index()).isEqualTo(i);
            assertThat(e.sig().batch().size()).isEqualTo(3);
            assertThat(EventSigning.verify(e, key)).isEqualTo(EventSigning.Verdict.VALID);
        }
        Event single = EventJson.parse(bodies.get(1));
        assertThat(single.sig().batch()).as("one event is signed alone").isNull();
        assertThat(EventSigning.verify(single, key)).isEqualTo(EventSigning.Verdict.VALID);
    }

    @Test
    void aLostAnswerIsFollowedByTheSameBytesAndTheBrokersRefusalReadsAsDuplicate() throws Exception {
        ProbeClient client = client(credentials(SignatureAlgorithm.ED25519));
        script.add(new String[] {"drop", ""});
        script.add(new String[] {"409", "{\"code\":\"SEQ_NOT_INCREASING\",\"title\":\"Conflict\","
                + "\"detail\":\"seq 1 of probe web-01 is not above its last accepted seq 1\"}"});

        PublishResult result = client.publish("host.cpu", JSON.readTree("{\"load1\":0.42}"));

        assertThat(result.status()).isEqualTo(PublishResult.Status.DUPLICATE);
        assertThat(result.accepted()).isTrue();
        assertThat(result.seq()).isEqualTo(1);
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(1)).isEqualTo(bodies.get(0));
        assertThat(client.lastSeq()).isEqualTo(1);
    }

    @Test
    void theSameRefusalOnAFirstAttemptIsARefusal() throws Exception {
        ProbeClient client = client(credentials(SignatureAlgorithm.ED25519));
        script.add(new String[] {"409", "{\"code\":\"SEQ_NOT_INCREASING\",\"detail\":\"seq 1 is not above 9\"}"});
        assertThatThrownBy(() -> client.publish("host.cpu", JSON.readTree("{}")))
                .isInstanceOfSatisfying(GatewayProblemException.class, p -> assertThat(p.code()).isEqualTo("SEQ_NOT_INCREASING"));
        // the SEQ is spent; the next event carries the next one
        script.add(new String[] {"202", appended(1)});
        assertThat(client.publish("host.cpu", JSON.readTree("{}")).seq()).isEqualTo(2);
    }

    @Test
    void readsEveryKindOfPerEventOutcome() throws Exception {
        List<Event> events = new ArrayList<>();
        for (long seq = 1; seq <= 4; seq++) {
            events.add(new Event("web-01", "t", seq, "2026-11-23T02:31:45Z", JSON.createObjectNode(), null));
        }
        JsonNode answer = JSON.readTree("{\"results\":["
                + "{\"status\":\"APPENDED\",\"channelSeq\":9,\"orderedAt\":\"2026-11-23T02:31:46Z\"},"
                + "{\"status\":\"QUEUED\",\"probeId\":\"web-01\",\"seq\":2},"
                + "{\"status\":\"REFUSED\",\"code\":\"SEQ_NOT_INCREASING\",\"detail\":\"d3\"},"
                + "{\"status\":\"REFUSED\",\"code\":\"SIGNATURE_INVALID\",\"detail\":\"d4\"}]}");

        assertThat(ProbeClient.results(events, answer, false)).extracting(PublishResult::status).containsExactly(
                PublishResult.Status.APPENDED, PublishResult.Status.QUEUED, PublishResult.Status.REFUSED,
                PublishResult.Status.REFUSED);
        assertThat(ProbeClient.results(events, answer, true)).extracting(PublishResult::status).containsExactly(
                PublishResult.Status.APPENDED, PublishResult.Status.QUEUED, PublishResult.Status.DUPLICATE,
                PublishResult.Status.REFUSED);
        assertThat(ProbeClient.results(events, answer, false).get(3).code()).isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void refusesWhatTheBrokersWouldRefuseBeforeSpendingASeq() {
        ProbeClient client = client(credentials(SignatureAlgorithm.ED25519));
        assertThatThrownBy(() -> client.publish("bad tag", JSON.readTree("{}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.publish("t", JSON.readTree("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(client.lastSeq()).isZero();
    }

    @Test
    void credentialsMustMatchTheirCertificateAndLoadFromPem() throws IOException {
        ProbeCredentials one = credentials(SignatureAlgorithm.ED25519);
        ProbeCredentials other = credentials(SignatureAlgorithm.ED25519);
        assertThatThrownBy(() -> ProbeCredentials.of(one.privateKey(), other.certificate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("web-01");

        ProbeCredentials es = credentials(SignatureAlgorithm.ES256);
        Files.writeString(dir.resolve("key.pem"), PemFiles.pkcs8(es.privateKey()));
        Files.writeString(dir.resolve("cert.pem"), PemFiles.pem(es.certificate()));
        ProbeCredentials loaded = ProbeCredentials.load(dir.resolve("key.pem"), dir.resolve("cert.pem"));
        assertThat(loaded.probeId()).isEqualTo("web-01");
        assertThat(loaded.algorithm()).isEqualTo(SignatureAlgorithm.ES256);
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");

        Files.writeString(dir.resolve("bad.pem"), "not pem");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("bad.pem"))).isInstanceOf(IOException.class);
    }
}
