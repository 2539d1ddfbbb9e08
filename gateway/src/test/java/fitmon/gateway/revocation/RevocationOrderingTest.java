package fitmon.gateway.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import fitmon.core.command.CertificateKind;
import fitmon.core.command.RevokeCertificate;
import fitmon.gateway.ordering.ClusterProperties;
import fitmon.gateway.ordering.GatewayOrdering;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/** The hook after a forwarded administration call, with a gateway that is not connected to replicas. */
class RevocationOrderingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GatewayOrdering notConnected = new GatewayOrdering(new ClusterProperties(1,
            List.of("127.0.0.1:11", "127.0.0.1:21", "127.0.0.1:31", "127.0.0.1:41"),
            List.of("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3", "http://127.0.0.1:4"), List.of(),
            Duration.ofSeconds(2), 1000, 1, Duration.ofSeconds(1), "gw-test", Duration.ofSeconds(10), Duration.ofSeconds(5), false),
            new RegistryClient(new RegistryProperties("http://127.0.0.1:1", "token", "unused", Duration.ofSeconds(1),
                    Duration.ofSeconds(1), 1000, Duration.ofSeconds(10), 100)));
    private final RevocationOrdering revocations = new RevocationOrdering(notConnected,
            new RevocationProperties(Duration.ofSeconds(60), Duration.ofSeconds(1)));

    private static ResponseEntity<byte[]> answer(HttpStatus status, String json) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new ResponseEntity<>(json.getBytes(StandardCharsets.UTF_8), headers, status);
    }

    @Test
    void otherCallsAndRefusedRevocationsPassUnchanged() {
        ResponseEntity<byte[]> principal = answer(HttpStatus.OK, "{\"name\":\"p\"}");
        assertThat(revocations.afterRegistryAnswer(HttpMethod.GET, "/api/v1/principals/p", principal)).isSameAs(principal);
        ResponseEntity<byte[]> list = answer(HttpStatus.OK, "{\"revoked\":[]}");
        assertThat(revocations.afterRegistryAnswer(HttpMethod.GET, "/api/v1/certificates/revoked", list)).isSameAs(list);
        ResponseEntity<byte[]> notFound = answer(HttpStatus.NOT_FOUND, "{\"code\":\"CERTIFICATE_NOT_FOUND\"}");
        assertThat(revocations.afterRegistryAnswer(HttpMethod.POST, "/api/v1/certificates/ab12/revoke", notFound))
                .isSameAs(notFound);
        ResponseEntity<byte[]> notJson = answer(HttpStatus.OK, "not json");
        assertThat(revocations.afterRegistryAnswer(HttpMethod.POST, "/api/v1/certificates/ab12/revoke", notJson))
                .isSameAs(notJson);
    }

    @Test
    void anAcceptedRevocationThatCannotBeOrderedYetIsReportedPendingWithTheRegistrysAnswerKept() {
        ResponseEntity<byte[]> revoked = answer(HttpStatus.OK, "{\"serial\":\"ab12\",\"probeId\":\"p\","
                + "\"revokedAt\":\"2026-01-01T00:00:00Z\",\"kind\":\"PROBE\",\"notAfter\":\"2099-01-01T00:00:00Z\"}");
        ResponseEntity<byte[]> answered = revocations.afterRegistryAnswer(HttpMethod.POST, "/api/v1/certificates/ab12/revoke",
                revoked);
        assertThat(answered.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(answered.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        var body = JSON.readTree(answered.getBody());
        assertThat(body.get("serial").asString()).isEqualTo("ab12");
        assertThat(body.get("probeId").asString()).isEqualTo("p");
        assertThat(body.get("replicas").asString()).isEqualTo("PENDING");
        assertThat(revocations.alreadyOrdered(new BigInteger("ab12", 16))).as("left to the reconciliation").isFalse();
    }

    @Test
    void registryViewsBecomeRevocationCommands() {
        RevokeCertificate full = Revocation.of(JSON.readTree("{\"serial\":\"00Ab12\",\"kind\":\"PROBE\","
                + "\"notAfter\":\"2099-01-01T00:00:00Z\"}")).orElseThrow().command("r");
        assertThat(full).isEqualTo(new RevokeCertificate(new BigInteger("ab12", 16), CertificateKind.PROBE,
                Instant.parse("2099-01-01T00:00:00Z").toEpochMilli(), "r"));
        RevokeCertificate noValidity = Revocation.of(JSON.readTree("{\"serial\":\"7\"}")).orElseThrow().command("");
        assertThat(noValidity.notAfterMillis()).as("never pruned").isEqualTo(Long.MAX_VALUE);
        assertThat(noValidity.kind()).isEqualTo(CertificateKind.PROBE);
        for (String bad : List.of("{}", "{\"serial\":\"xyz\"}", "{\"serial\":\"0\"}", "{\"serial\":\"1\",\"kind\":\"CONSOLE\"}",
                "{\"serial\":\"1\",\"notAfter\":\"soon\"}")) {
            assertThat(Revocation.of(JSON.readTree(bad))).as(bad).isEmpty();
        }
    }
}
