package fitmon.registry;

import static fitmon.registry.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fitmon.core.auth.RequestSigning;
import fitmon.core.pki.ProbeCertificateVerifier;
import fitmon.core.pki.ProbeIdentity;
import fitmon.registry.apikey.ApiKeyService;
import fitmon.registry.principal.BootstrapAdmin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's behaviour over real HTTP against a real database. Each subclass runs every
 * scenario on one database (the embedded default, PostgreSQL). Scenarios use their own names so
 * they do not depend on each other's order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class RegistryScenarios {

    static final String SERVICE_TOKEN = "test-service-token-0123456789";
    static final String ADMIN = "admin";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    BootstrapAdmin bootstrapAdmin;

    RegistryHttp http;

    /** The file the registry wrote the bootstrap admin's key to. */
    abstract Path adminKeyFile();

    @BeforeEach
    void client() {
        http = new RegistryHttp("http://127.0.0.1:" + port, SERVICE_TOKEN);
    }

    // ---- bootstrap, service token, callers -------------------------------------------------

    @Test
    void bootstrapAdminIsCreatedOnceWithItsKeyWrittenOwnerOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminKeyFile()))).isEqualTo("rw-------");
        JsonNode key = RegistryHttp.JSON.readTree(Files.readString(adminKeyFile()));
        String keyId = key.get("keyId").asString();
        String secret = key.get("secret").asString();
        assertThat(keyId).matches("fk_[a-z2-7]{20}");
        assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);

        JsonNode record = ok(http.get("/internal/v1/api-keys/" + keyId, null));
        assertThat(record.get("principal").asString()).isEqualTo(ADMIN);
        assertThat(record.get("kind").asString()).isEqualTo("ADMIN");
        assertThat(record.get("priority").asInt()).isEqualTo(100);
        assertThat(Base64.getDecoder().decode(record.get("signingKey").asString()))
                .isEqualTo(RequestSigning.signingKey(secret));

        String before = Files.readString(adminKeyFile());
        bootstrapAdmin.afterSingletonsInstantiated(); // what every later start does
        assertThat(jdbc.sql("SELECT COUNT(*) FROM principals WHERE kind = 'ADMIN' AND name = 'admin'")
                .query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_keys k JOIN principals p ON p.id = k.principal_id "
                + "WHERE p.name = 'admin'").query(Long.class).single()).isEqualTo(1);
        assertThat(Files.readString(adminKeyFile())).isEqualTo(before);
    }

    @Test
    void everyCallNeedsTheServiceTokenButHealthCaAndJwks() {
        HttpResponse<String> none = http.raw("GET", "/api/v1/principals", null, Map.of(), ADMIN, null);
        expectProblem(none, 401, "SERVICE_UNAUTHENTICATED");
        expectProblem(http.raw("GET", "/internal/v1/api-keys/fk_x", null, Map.of(), null, "wrong"), 401,
                "SERVICE_UNAUTHENTICATED");
        expectProblem(http.raw("POST", "/api/v1/enrollments", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"), null, null), 401, "SERVICE_UNAUTHENTICATED");
        expectProblem(http.raw("GET", "/actuator/metrics", null, Map.of(), null, null), 401, "SERVICE_UNAUTHENTICATED");

        assertThat(http.raw("GET", "/actuator/health", null, Map.of(), null, null).statusCode()).isEqualTo(200);
        assertThat(http.raw("GET", "/actuator/prometheus", null, Map.of(), null, null).statusCode()).isEqualTo(200);
        assertThat(http.raw("GET", "/api/v1/ca", null, Map.of(), null, null).statusCode()).isEqualTo(200);
        assertThat(http.raw("GET", "/api/v1/tokens/jwks.json", null, Map.of(), null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void administrationNeedsAnEnabledAdminNamedByThePrincipalHeader() {
        createPrincipal("console-authz", "CONSOLE");
        expectProblem(http.get("/api/v1/principals", null), 401, "PRINCIPAL_REQUIRED");
        expectProblem(http.get("/api/v1/principals", "console-authz"), 403, "FORBIDDEN");
        expectProblem(http.get("/api/v1/principals", "nobody-at-all"), 403, "FORBIDDEN");
        // refused before the body is read: an outsider gets 403, not a validation answer
        expectProblem(http.post("/api/v1/principals", "console-authz", "{broken"), 403, "FORBIDDEN");
        expectProblem(http.post("/api/v1/roles", "console-authz",
                "{\"name\":\"sneaky\",\"permissions\":[{\"action\":\"ADMIN\",\"tagPattern\":\"*\"}]}"), 403, "FORBIDDEN");

        createPrincipal("admin-two", "ADMIN");
        ok(http.get("/api/v1/principals", "admin-two"));
        ok(http.call("PATCH", "/api/v1/principals/admin-two", ADMIN, "{\"enabled\":false}"));
        expectProblem(http.get("/api/v1/principals", "admin-two"), 403, "FORBIDDEN");
    }

    // ---- principals and API keys ------------------------------------------------------------

    @Test
    void principalsAreCreatedListedShownDisabledAndNamesAreUnique() {
        JsonNode created = createPrincipal("ops-1", "OPERATOR");
        assertThat(created.get("kind").asString()).isEqualTo("OPERATOR");
        assertThat(created.get("enabled").asBoolean()).isTrue();
        assertThat(created.get("groups").toString()).isEqualTo("[\"operator\"]");
        assertThat(created.get("id").isNumber()).isTrue();
        assertThat(created.get("createdAt").asString()).isNotBlank();
        assertThat(created.get("bootstrapToken").isNull()).isTrue();

        JsonNode list = ok(http.get("/api/v1/principals", ADMIN));
        assertThat(list.get("principals").toString()).contains("\"name\":\"ops-1\"").contains("\"name\":\"admin\"");

        JsonNode detail = ok(http.get("/api/v1/principals/ops-1", ADMIN));
        assertThat(detail.get("priority").asInt()).isEqualTo(50);
        assertThat(detail.get("permissions").toString())
                .isEqualTo("[{\"action\":\"ADMIN\",\"tagPattern\":\"*\"},{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"*\"}]");
        assertThat(detail.get("keys")).hasSize(1);
        assertThat(detail.at("/keys/0/keyId").asString()).isEqualTo(created.at("/apiKey/keyId").asString());
        assertThat(detail.get("certificates")).isEmpty();

        expectProblem(http.post("/api/v1/principals", ADMIN, "{\"name\":\"ops-1\",\"kind\":\"CONSOLE\"}"), 409, "NAME_TAKEN");
        expectProblem(http.post("/api/v1/principals", ADMIN, "{\"name\":\"bad name\",\"kind\":\"PROBE\"}"), 400,
                "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/principals", ADMIN, "{\"name\":\"x\",\"kind\":\"WIZARD\"}"), 400,
                "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/principals", ADMIN, "{\"name\":\"x\"}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/principals", ADMIN, "{\"name\":\"x\",\"kind\":\"PROBE\",\"groups\":[\"nope\"]}"),
                400, "UNKNOWN_GROUP");
        expectProblem(http.get("/api/v1/principals/no-such-one", ADMIN), 404, "PRINCIPAL_NOT_FOUND");

        String keyId = created.at("/apiKey/keyId").asString();
        JsonNode disabled = ok(http.call("PATCH", "/api/v1/principals/ops-1", ADMIN, "{\"enabled\":false}"));
        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        JsonNode record = ok(http.get("/internal/v1/api-keys/" + keyId, null));
        assertThat(record.get("enabled").asBoolean()).isFalse();
        assertThat(record.get("keyRevoked").asBoolean()).isFalse();
        expectProblem(http.call("PATCH", "/api/v1/principals/ops-1", ADMIN, "{}"), 400, "VALIDATION_FAILED");
        expectProblem(http.call("PATCH", "/api/v1/principals/ops-1", ADMIN, "{\"enabled\":\"maybe\"}"), 400,
                "MALFORMED_REQUEST");
        ok(http.call("PATCH", "/api/v1/principals/ops-1", ADMIN, "{\"enabled\":true}"));
        assertThat(ok(http.get("/internal/v1/api-keys/" + keyId, null)).get("enabled").asBoolean()).isTrue();
    }

    @Test
    void apiKeysRotateAndRevokeAndAreStoredNeitherAsSecretNorAsPlainSigningKey() {
        JsonNode created = createPrincipal("console-keys", "CONSOLE");
        String firstId = created.at("/apiKey/keyId").asString();
        String firstSecret = created.at("/apiKey/secret").asString();

        HttpResponse<String> rotatedResponse = http.post("/api/v1/principals/console-keys/keys", ADMIN, null);
        assertThat(rotatedResponse.statusCode()).as(rotatedResponse.body()).isEqualTo(201);
        JsonNode rotated = json(rotatedResponse);
        String secondId = rotated.get("keyId").asString();
        String secondSecret = rotated.get("secret").asString();
        assertThat(secondId).isNotEqualTo(firstId);

        for (String[] key : new String[][] {{firstId, firstSecret}, {secondId, secondSecret}}) {
            JsonNode record = ok(http.get("/internal/v1/api-keys/" + key[0], null));
            assertThat(record.get("principal").asString()).isEqualTo("console-keys");
            assertThat(record.get("keyRevoked").asBoolean()).isFalse();
            assertThat(Base64.getDecoder().decode(record.get("signingKey").asString()))
                    .isEqualTo(RequestSigning.signingKey(key[1]));
            assertThat(record.get("certificate").isNull()).isTrue();
            assertThat(record.get("certificateSerial").isNull()).isTrue();
            assertThat(record.get("certificateRevoked").asBoolean()).isFalse();

            Map<String, Object> row = jdbc.sql("SELECT * FROM api_keys WHERE key_id = :id").param("id", key[0])
                    .query().singleRow();
            String stored = row.values().toString();
            byte[] signingKey = RequestSigning.signingKey(key[1]);
            assertThat(stored).doesNotContain(key[1])
                    .doesNotContain(Base64.getEncoder().encodeToString(signingKey))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(signingKey))
                    .doesNotContain(HexFormat.of().formatHex(signingKey));
            assertThat(row.get("secret_sha256")).isEqualTo(ApiKeyService.sha256Hex(key[1]));
        }
        String ivs = jdbc.sql("SELECT signing_key_iv FROM api_keys WHERE key_id = :id").param("id", firstId)
                .query(String.class).single();
        assertThat(Base64.getDecoder().decode(ivs)).hasSize(12);

        HttpResponse<String> revoked = http.call("DELETE", "/api/v1/principals/console-keys/keys/" + firstId, ADMIN, null);
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(ok(http.get("/internal/v1/api-keys/" + firstId, null)).get("keyRevoked").asBoolean()).isTrue();
        assertThat(ok(http.get("/internal/v1/api-keys/" + secondId, null)).get("keyRevoked").asBoolean()).isFalse();
        JsonNode detail = ok(http.get("/api/v1/principals/console-keys", ADMIN));
        assertThat(detail.get("keys")).hasSize(2);
        for (JsonNode key : detail.get("keys")) {
            assertThat(key.get("revokedAt").isNull()).isEqualTo(!key.get("keyId").asString().equals(firstId));
        }

        expectProblem(http.get("/internal/v1/api-keys/fk_nosuchkey", null), 404, "API_KEY_NOT_FOUND");
        expectProblem(http.call("DELETE", "/api/v1/principals/console-keys/keys/fk_nosuchkey", ADMIN, null), 404,
                "API_KEY_NOT_FOUND");
        expectProblem(http.call("DELETE", "/api/v1/principals/admin/keys/" + secondId, ADMIN, null), 404,
                "API_KEY_NOT_FOUND");
    }

    // ---- roles, groups, permissions -----------------------------------------------------------

    @Test
    void permissionsAreTheUnionOverGroupsAndPriorityTheHighestRole() {
        JsonNode roles = ok(http.get("/api/v1/roles", ADMIN));
        assertThat(roles.get("roles").toString()).contains(
                "{\"name\":\"admin\",\"priority\":100,\"permissions\":[{\"action\":\"ADMIN\",\"tagPattern\":\"*\"},"
                        + "{\"action\":\"PUBLISH\",\"tagPattern\":\"*\"},{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"*\"}]}");
        JsonNode metrics = created(http.post("/api/v1/roles", ADMIN,
                "{\"name\":\"metrics-writer\",\"priority\":40,\"permissions\":[{\"action\":\"PUBLISH\",\"tagPattern\":\"metrics.*\"}]}"));
        assertThat(metrics.get("priority").asInt()).isEqualTo(40);
        created(http.post("/api/v1/roles", ADMIN,
                "{\"name\":\"host-reader\",\"priority\":70,\"permissions\":[{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"host.*\"},"
                        + "{\"action\":\"PUBLISH\",\"tagPattern\":\"metrics.*\"}]}"));
        JsonNode plain = created(http.post("/api/v1/roles", ADMIN, "{\"name\":\"plain\"}"));
        assertThat(plain.get("priority").asInt()).isEqualTo(10);
        created(http.post("/api/v1/groups", ADMIN, "{\"name\":\"writers\",\"roles\":[\"metrics-writer\"]}"));
        JsonNode readers = created(http.post("/api/v1/groups", ADMIN, "{\"name\":\"readers\",\"roles\":[\"host-reader\",\"plain\"]}"));
        assertThat(readers.get("roles").toString()).isEqualTo("[\"host-reader\",\"plain\"]");
        assertThat(ok(http.get("/api/v1/groups", ADMIN)).get("groups").toString())
                .contains("{\"name\":\"readers\",\"roles\":[\"host-reader\",\"plain\"]}")
                .contains("{\"name\":\"probe\",\"roles\":[\"probe\"]}");

        JsonNode both = created(http.post("/api/v1/principals", ADMIN,
                "{\"name\":\"mixed-1\",\"kind\":\"OPERATOR\",\"groups\":[\"writers\",\"readers\"]}"));
        assertThat(both.get("groups").toString()).isEqualTo("[\"readers\",\"writers\"]");
        JsonNode record = ok(http.get("/internal/v1/api-keys/" + both.at("/apiKey/keyId").asString(), null));
        assertThat(record.get("priority").asInt()).isEqualTo(70);
        assertThat(record.get("permissions").toString()).isEqualTo(
                "[{\"action\":\"PUBLISH\",\"tagPattern\":\"metrics.*\"},{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"host.*\"}]");

        JsonNode none = created(http.post("/api/v1/principals", ADMIN,
                "{\"name\":\"groupless-1\",\"kind\":\"OPERATOR\",\"groups\":[]}"));
        JsonNode bare = ok(http.get("/internal/v1/api-keys/" + none.at("/apiKey/keyId").asString(), null));
        assertThat(bare.get("priority").asInt()).isEqualTo(10);
        assertThat(bare.get("permissions")).isEmpty();

        // moving a principal between groups changes what it may do
        ok(http.call("PATCH", "/api/v1/principals/groupless-1", ADMIN, "{\"groups\":[\"writers\"]}"));
        JsonNode moved = ok(http.get("/api/v1/principals/groupless-1", ADMIN));
        assertThat(moved.get("priority").asInt()).isEqualTo(40);
        assertThat(moved.get("groups").toString()).isEqualTo("[\"writers\"]");

        expectProblem(http.post("/api/v1/roles", ADMIN, "{\"name\":\"plain\"}"), 409, "NAME_TAKEN");
        expectProblem(http.post("/api/v1/roles", ADMIN, "{\"name\":\"too-low\",\"priority\":0}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/roles", ADMIN, "{\"name\":\"too-high\",\"priority\":101}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/roles", ADMIN,
                "{\"name\":\"bad-action\",\"permissions\":[{\"action\":\"DELETE\",\"tagPattern\":\"*\"}]}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/roles", ADMIN,
                "{\"name\":\"bad-pattern\",\"permissions\":[{\"action\":\"PUBLISH\",\"tagPattern\":\"a b\"}]}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/api/v1/groups", ADMIN, "{\"name\":\"g-x\",\"roles\":[\"no-such-role\"]}"), 400, "UNKNOWN_ROLE");
        expectProblem(http.post("/api/v1/groups", ADMIN, "{\"name\":\"readers\",\"roles\":[]}"), 409, "NAME_TAKEN");
    }

    // ---- enrollment and the CA ----------------------------------------------------------------

    @Test
    void ed25519ProbeEnrollsAndItsCertificateVerifiesAgainstThePublishedCaKey() throws Exception {
        enrollAndVerify("probe-ed", Csrs.ed25519());
    }

    @Test
    void p256ProbeEnrollsAndItsCertificateVerifiesAgainstThePublishedCaKey() throws Exception {
        enrollAndVerify("probe-p256", Csrs.ec("secp256r1"));
    }

    private void enrollAndVerify(String name, KeyPair keys) throws Exception {
        JsonNode probe = createPrincipal(name, "PROBE");
        assertThat(probe.get("groups").toString()).isEqualTo("[\"probe\"]");
        String token = probe.get("bootstrapToken").asString();
        JsonNode submitted = submit(token, Csrs.csr(name, keys));
        String id = submitted.get("id").asString();
        assertThat(submitted.get("probeId").asString()).isEqualTo(name);
        assertThat(submitted.get("status").asString()).isEqualTo("PENDING");

        JsonNode pending = ok(http.get("/api/v1/enrollments?status=PENDING", ADMIN));
        assertThat(pending.get("enrollments").toString()).contains(id);
        JsonNode own = ok(http.get("/api/v1/enrollments/" + id, name));
        assertThat(own.get("status").asString()).isEqualTo("PENDING");
        assertThat(own.get("certificate").isNull()).isTrue();

        JsonNode approved = ok(http.post("/api/v1/enrollments/" + id + "/approve", ADMIN, null));
        assertThat(approved.get("status").asString()).isEqualTo("APPROVED");
        assertThat(approved.get("decidedAt").asString()).isNotBlank();
        String certificatePem = approved.get("certificate").asString();
        assertThat(certificatePem).startsWith("-----BEGIN CERTIFICATE-----");

        JsonNode ca = json(http.raw("GET", "/api/v1/ca", null, Map.of(), null, null));
        PublicKey caKey = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(ca.get("publicKey").asString())));
        assertThat(approved.get("caCertificate").asString()).isEqualTo(ca.get("certificate").asString());
        X509Certificate certificate = certificate(certificatePem);
        ProbeIdentity identity = new ProbeCertificateVerifier(caKey).verify(certificate.getEncoded(),
                System.currentTimeMillis());
        assertThat(identity.probeId()).isEqualTo(name);
        assertThat(certificate.getPublicKey().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        Duration validity = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        assertThat(validity).isEqualTo(Duration.ofDays(365));

        JsonNode read = ok(http.get("/api/v1/enrollments/" + id, name));
        assertThat(read.get("certificate").asString()).isEqualTo(certificatePem);
        JsonNode record = ok(http.get("/internal/v1/api-keys/" + probe.at("/apiKey/keyId").asString(), null));
        assertThat(record.get("certificate").asString()).isEqualTo(certificatePem);
        String serial = record.get("certificateSerial").asString();
        assertThat(serial).isEqualTo(certificate.getSerialNumber().toString(16));
        assertThat(record.get("certificateRevoked").asBoolean()).isFalse();
        assertThat(record.get("permissions").toString()).isEqualTo("[{\"action\":\"PUBLISH\",\"tagPattern\":\"*\"}]");
        assertThat(record.get("priority").asInt()).isEqualTo(20);
        JsonNode status = ok(http.get("/internal/v1/certificates/" + serial, null));
        assertThat(status.get("probeId").asString()).isEqualTo(name);
        assertThat(status.get("revoked").asBoolean()).isFalse();
        assertThat(ok(http.get("/api/v1/principals/" + name, ADMIN)).at("/certificates/0/serial").asString())
                .isEqualTo(serial);

        expectProblem(http.post("/api/v1/enrollments/" + id + "/approve", ADMIN, null), 409, "ALREADY_DECIDED");
        expectProblem(submitRaw(token, Csrs.csr(name, keys)), 409, "TOKEN_USED");
    }

    @Test
    void badRequestsForEnrollmentGetPreciseRefusalsAndLeaveTheTokenUsable() throws Exception {
        JsonNode probe = createPrincipal("probe-bad", "PROBE");
        String token = probe.get("bootstrapToken").asString();
        KeyPair keys = Csrs.ed25519();

        expectProblem(submitRaw(token, Csrs.csr("someone-else", keys)), 400, "CSR_SUBJECT_MISMATCH");
        expectProblem(submitRaw(token, Csrs.csr("probe-bad", keys, Csrs.ed25519())), 400, "CSR_SIGNATURE_INVALID");
        HttpResponse<String> rsa = submitRaw(token, Csrs.csr("probe-bad", Csrs.rsa()));
        expectProblem(rsa, 400, "CSR_UNSUPPORTED_KEY");
        assertThat(json(rsa).get("detail").asString()).contains("Ed25519 or ECDSA P-256").contains("RSA");
        expectProblem(submitRaw(token, Csrs.csr("probe-bad", Csrs.ec("secp384r1"))), 400, "CSR_UNSUPPORTED_KEY");
        expectProblem(submitRaw(token, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"),
                400, "CSR_INVALID");
        expectProblem(submitRaw(token, "not a pem at all"), 400, "CSR_INVALID");
        expectProblem(submitRaw(token, null), 400, "CSR_INVALID");
        expectProblem(submitRaw("fbt_unknown", Csrs.csr("probe-bad", keys)), 401, "TOKEN_INVALID");
        expectProblem(submitRaw(null, Csrs.csr("probe-bad", keys)), 401, "TOKEN_INVALID");

        // none of the refusals consumed the token
        submit(token, Csrs.csr("probe-bad", keys));
        expectProblem(submitRaw(token, Csrs.csr("probe-bad", keys)), 409, "TOKEN_USED");

        // an expired token
        JsonNode late = createPrincipal("probe-late", "PROBE");
        String lateToken = late.get("bootstrapToken").asString();
        jdbc.sql("UPDATE bootstrap_tokens SET expires_at = :past WHERE token_sha256 = :hash")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))
                .param("hash", ApiKeyService.sha256Hex(lateToken)).update();
        expectProblem(submitRaw(lateToken, Csrs.csr("probe-late", keys)), 401, "TOKEN_EXPIRED");
        // a fresh one replaces it
        JsonNode fresh = created(http.post("/api/v1/principals/probe-late/bootstrap-token", ADMIN, null));
        submit(fresh.get("bootstrapToken").asString(), Csrs.csr("probe-late", keys));
        expectProblem(http.post("/api/v1/principals/admin/bootstrap-token", ADMIN, null), 409, "NOT_A_PROBE");
        expectProblem(http.post("/api/v1/principals/ghost/bootstrap-token", ADMIN, null), 404, "PRINCIPAL_NOT_FOUND");

        // a disabled probe cannot enroll
        JsonNode off = createPrincipal("probe-off", "PROBE");
        ok(http.call("PATCH", "/api/v1/principals/probe-off", ADMIN, "{\"enabled\":false}"));
        expectProblem(submitRaw(off.get("bootstrapToken").asString(), Csrs.csr("probe-off", keys)), 403,
                "PRINCIPAL_DISABLED");
    }

    @Test
    void rejectedEnrollmentsCarryTheReasonAndCannotBeDecidedAgain() throws Exception {
        JsonNode probe = createPrincipal("probe-rej", "PROBE");
        String id = submit(probe.get("bootstrapToken").asString(), Csrs.csr("probe-rej", Csrs.ed25519())).get("id").asString();
        JsonNode rejected = ok(http.post("/api/v1/enrollments/" + id + "/reject", ADMIN, "{\"reason\":\"unknown host\"}"));
        assertThat(rejected.get("status").asString()).isEqualTo("REJECTED");
        assertThat(rejected.get("reason").asString()).isEqualTo("unknown host");
        assertThat(rejected.get("certificate").isNull()).isTrue();
        expectProblem(http.post("/api/v1/enrollments/" + id + "/approve", ADMIN, null), 409, "ALREADY_DECIDED");
        expectProblem(http.post("/api/v1/enrollments/" + id + "/reject", ADMIN, "{\"reason\":\"again\"}"), 409,
                "ALREADY_DECIDED");
        assertThat(ok(http.get("/api/v1/enrollments?status=REJECTED", ADMIN)).get("enrollments").toString()).contains(id);
        assertThat(ok(http.get("/api/v1/enrollments?status=PENDING", ADMIN)).get("enrollments").toString())
                .doesNotContain(id);
        assertThat(ok(http.get("/api/v1/enrollments", ADMIN)).get("enrollments").toString()).contains(id);
        expectProblem(http.get("/api/v1/enrollments?status=BOGUS", ADMIN), 400, "VALIDATION_FAILED");
        expectProblem(http.get("/api/v1/enrollments/00000000-0000-0000-0000-000000000000", ADMIN), 404,
                "ENROLLMENT_NOT_FOUND");
        expectProblem(http.get("/api/v1/enrollments/not-a-uuid", ADMIN), 404, "ENROLLMENT_NOT_FOUND");

        // another probe may not read it; nor may it decide
        createPrincipal("probe-nosy", "PROBE");
        expectProblem(http.get("/api/v1/enrollments/" + id, "probe-nosy"), 403, "FORBIDDEN");
        expectProblem(http.post("/api/v1/enrollments/" + id + "/approve", "probe-rej", null), 403, "FORBIDDEN");
        expectProblem(http.get("/api/v1/enrollments/" + id, null), 401, "PRINCIPAL_REQUIRED");
    }

    @Test
    void revokedCertificatesAreListedAndReflectedInTheKeyRecord() throws Exception {
        JsonNode probe = createPrincipal("probe-rev", "PROBE");
        String id = submit(probe.get("bootstrapToken").asString(), Csrs.csr("probe-rev", Csrs.ec("secp256r1")))
                .get("id").asString();
        ok(http.post("/api/v1/enrollments/" + id + "/approve", ADMIN, null));
        String keyId = probe.at("/apiKey/keyId").asString();
        String serial = ok(http.get("/internal/v1/api-keys/" + keyId, null)).get("certificateSerial").asString();

        JsonNode revoked = ok(http.post("/api/v1/certificates/" + serial.toUpperCase() + "/revoke", ADMIN, null));
        assertThat(revoked.get("serial").asString()).isEqualTo(serial);
        assertThat(revoked.get("probeId").asString()).isEqualTo("probe-rev");
        String revokedAt = revoked.get("revokedAt").asString();
        assertThat(Instant.parse(revokedAt)).isBeforeOrEqualTo(Instant.now());
        // revoking again keeps the first time
        assertThat(ok(http.post("/api/v1/certificates/" + serial + "/revoke", ADMIN, null)).get("revokedAt").asString())
                .isEqualTo(revokedAt);

        JsonNode list = ok(http.get("/api/v1/certificates/revoked", ADMIN));
        assertThat(list.get("revoked").toString())
                .contains("{\"serial\":\"" + serial + "\",\"probeId\":\"probe-rev\",\"revokedAt\":\"" + revokedAt
                        + "\",\"kind\":\"PROBE\",\"notAfter\":\"");
        // the gateway's view: unexpired revocations, with what it orders to the replicas
        JsonNode internal = ok(http.get("/internal/v1/certificates/revoked", null));
        assertThat(internal.get("revoked").toString()).contains("\"serial\":\"" + serial + "\"");
        assertThat(Instant.parse(internal.at("/revoked/0/notAfter").asString())).isAfter(Instant.now());
        JsonNode record = ok(http.get("/internal/v1/api-keys/" + keyId, null));
        assertThat(record.get("certificateRevoked").asBoolean()).isTrue();
        assertThat(record.get("certificateSerial").asString()).isEqualTo(serial);
        assertThat(ok(http.get("/internal/v1/certificates/" + serial, null)).get("revoked").asBoolean()).isTrue();
        assertThat(ok(http.get("/api/v1/principals/probe-rev", ADMIN)).at("/certificates/0/revokedAt").asString())
                .isEqualTo(revokedAt);

        expectProblem(http.post("/api/v1/certificates/abcdef0123/revoke", ADMIN, null), 404, "CERTIFICATE_NOT_FOUND");
        expectProblem(http.post("/api/v1/certificates/not-hex/revoke", ADMIN, null), 404, "CERTIFICATE_NOT_FOUND");
        expectProblem(http.get("/internal/v1/certificates/abcdef0123", null), 404, "CERTIFICATE_NOT_FOUND");
        expectProblem(http.get("/api/v1/certificates/revoked", "probe-rev"), 403, "FORBIDDEN");
    }

    @Test
    void issuedGatewayCertificatesAreListedAndRevocableLikeProbes() throws Exception {
        KeyPair keys = Csrs.ed25519();
        X509Certificate issued = certificate(created(http.post("/internal/v1/gateway-certificates", null,
                "{\"name\":\"gateway-rev\",\"publicKey\":\"" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())
                        + "\"}")).get("certificate").asString());
        String serial = issued.getSerialNumber().toString(16);

        JsonNode listed = ok(http.get("/api/v1/gateway-certificates", ADMIN)).get("gatewayCertificates");
        JsonNode entry = null;
        for (JsonNode certificate : listed) {
            if (certificate.get("serial").asString().equals(serial)) {
                entry = certificate;
            }
        }
        assertThat(entry).as("listed: " + listed).isNotNull();
        assertThat(entry.get("gateway").asString()).isEqualTo("gateway-rev");
        assertThat(Instant.parse(entry.get("notAfter").asString())).isEqualTo(issued.getNotAfter().toInstant());
        assertThat(entry.get("revokedAt").isNull()).isTrue();

        JsonNode revoked = ok(http.post("/api/v1/certificates/" + serial + "/revoke", ADMIN, null));
        assertThat(revoked.get("kind").asString()).isEqualTo("GATEWAY");
        assertThat(revoked.get("gateway").asString()).isEqualTo("gateway-rev");
        String revokedAt = revoked.get("revokedAt").asString();
        assertThat(ok(http.post("/api/v1/certificates/" + serial + "/revoke", ADMIN, null)).get("revokedAt").asString())
                .as("revoking again keeps the first time").isEqualTo(revokedAt);
        // what the gateways order into the replicas: the serial as a GATEWAY certificate
        assertThat(ok(http.get("/internal/v1/certificates/revoked", null)).get("revoked").toString())
                .contains("{\"serial\":\"" + serial + "\",\"gateway\":\"gateway-rev\",\"revokedAt\":\"" + revokedAt
                        + "\",\"kind\":\"GATEWAY\",\"notAfter\":\"");
        assertThat(ok(http.get("/api/v1/certificates/revoked", ADMIN)).get("revoked").toString()).contains(serial);
        assertThat(ok(http.get("/api/v1/gateway-certificates", ADMIN)).toString()).contains(revokedAt);
        expectProblem(http.get("/api/v1/gateway-certificates", "console-none"), 403, "FORBIDDEN");
    }

    @Test
    void gatewayCertificatesAreIssuedForEd25519KeysOnly() throws Exception {
        KeyPair keys = Csrs.ed25519();
        JsonNode issued = created(http.post("/internal/v1/gateway-certificates", null,
                "{\"name\":\"gateway-1\",\"publicKey\":\"" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())
                        + "\"}"));
        X509Certificate certificate = certificate(issued.get("certificate").asString());
        X509Certificate ca = certificate(issued.get("caCertificate").asString());
        certificate.verify(ca.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("OU=fitmon-gateway").contains("CN=gateway-1");
        assertThat(certificate.getPublicKey().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(30));

        expectProblem(http.post("/internal/v1/gateway-certificates", null, "{\"name\":\"gateway-1\",\"publicKey\":\""
                + Base64.getEncoder().encodeToString(Csrs.rsa().getPublic().getEncoded()) + "\"}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/internal/v1/gateway-certificates", null, "{\"name\":\"gateway-1\",\"publicKey\":\"!!\"}"),
                400, "VALIDATION_FAILED");
        expectProblem(http.post("/internal/v1/gateway-certificates", null, "{\"name\":\"bad name\",\"publicKey\":\"AA\"}"),
                400, "VALIDATION_FAILED");
    }

    // ---- console tokens -----------------------------------------------------------------------

    @Test
    void consoleTokensVerifyWithThePublishedJwksAndCarryTheSubscribePatterns() throws Exception {
        createPrincipal("console-tok", "CONSOLE");
        Instant before = Instant.now();
        JsonNode issued = created(http.post("/api/v1/tokens", "console-tok", null));
        SignedJWT jwt = SignedJWT.parse(issued.get("token").asString());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");

        String jwksText = http.raw("GET", "/api/v1/tokens/jwks.json", null, Map.of(), null, null).body();
        JWKSet jwks = JWKSet.parse(jwksText);
        ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwksText).doesNotContain("\"d\"");
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("fitmon-registry");
        assertThat(claims.getSubject()).isEqualTo("console-tok");
        assertThat(claims.getStringClaim("kind")).isEqualTo("CONSOLE");
        assertThat(claims.getStringListClaim("subscribe")).containsExactly("*");
        assertThat(claims.getJWTID()).isNotBlank();
        Instant expires = claims.getExpirationTime().toInstant();
        assertThat(expires).isBetween(before.plus(Duration.ofMinutes(15)).minusSeconds(2), Instant.now().plus(Duration.ofMinutes(15)));
        assertThat(Instant.parse(issued.get("expiresAt").asString())).isEqualTo(expires);

        // patterns follow the principal's roles
        created(http.post("/api/v1/roles", ADMIN, "{\"name\":\"net-watch\",\"permissions\":["
                + "{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"net.*\"},{\"action\":\"SUBSCRIBE\",\"tagPattern\":\"sctp.assoc\"}]}"));
        created(http.post("/api/v1/groups", ADMIN, "{\"name\":\"net-watchers\",\"roles\":[\"net-watch\"]}"));
        created(http.post("/api/v1/principals", ADMIN, "{\"name\":\"console-net\",\"kind\":\"CONSOLE\",\"groups\":[\"net-watchers\"]}"));
        SignedJWT narrow = SignedJWT.parse(created(http.post("/api/v1/tokens", "console-net", null)).get("token").asString());
        assertThat(narrow.getJWTClaimsSet().getStringListClaim("subscribe")).containsExactly("net.*", "sctp.assoc");

        createPrincipal("probe-tok", "PROBE");
        expectProblem(http.post("/api/v1/tokens", "probe-tok", null), 403, "FORBIDDEN");
        expectProblem(http.post("/api/v1/tokens", null, null), 401, "PRINCIPAL_REQUIRED");
        expectProblem(http.post("/api/v1/tokens", "ghost", null), 403, "FORBIDDEN");
    }

    @Test
    void aGatewayGetsAReadTokenForEveryChannelWithTheServiceTokenOnly() throws Exception {
        JsonNode issued = created(http.post("/internal/v1/read-tokens", null, "{\"name\":\"gateway-7\"}"));
        SignedJWT jwt = SignedJWT.parse(issued.get("token").asString());
        ECKey key = (ECKey) JWKSet.parse(http.raw("GET", "/api/v1/tokens/jwks.json", null, Map.of(), null, null).body())
                .getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("gateway/gateway-7");
        assertThat(claims.getStringClaim("kind")).isEqualTo("GATEWAY");
        assertThat(claims.getStringListClaim("subscribe")).containsExactly("*");
        assertThat(Instant.parse(issued.get("expiresAt").asString())).isEqualTo(claims.getExpirationTime().toInstant());

        expectProblem(http.raw("POST", "/internal/v1/read-tokens", "{\"name\":\"g\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"), null, null), 401, "SERVICE_UNAUTHENTICATED");
        expectProblem(http.post("/internal/v1/read-tokens", null, "{\"name\":\"a/b\"}"), 400, "VALIDATION_FAILED");
        expectProblem(http.post("/internal/v1/read-tokens", null, "{}"), 400, "VALIDATION_FAILED");
    }

    // ---- malformed input ----------------------------------------------------------------------

    @Test
    void malformedRequestsNeverGetA5xxAndAlwaysAProblemDocument() {
        List<String> paths = List.of("/api/v1/principals", "/api/v1/principals/x", "/api/v1/principals/x/keys",
                "/api/v1/principals/admin/keys/zzz", "/api/v1/principals/admin", "/api/v1/enrollments",
                "/api/v1/enrollments/x", "/api/v1/enrollments/x/approve", "/api/v1/enrollments/x/reject",
                "/api/v1/certificates/x/revoke", "/api/v1/certificates/revoked", "/api/v1/roles", "/api/v1/groups",
                "/api/v1/tokens", "/api/v1/nothing-here", "/internal/v1/api-keys/x", "/internal/v1/gateway-certificates",
                "/internal/v1/read-tokens", "/api/v1/gateway-certificates",
                "/internal/v1/certificates/99999999999999999999999999999999999999999999999999999999999999999999",
                "/api/v1/principals/" + "x".repeat(300), "/api/v1/enrollments?status=", "/api/v1/principals/%C3%A9t%C3%A9");
        List<String> bodies = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"name\":5,\"kind\":[]}",
                "{\"name\":\"ok-name\",\"kind\":\"PROBE\",\"groups\":[\"nope\"]}", "{\"name\":\"ok\",\"kind\":\"PROBE\",\"groups\":[1]}",
                "{\"name\":\"ok\",\"kind\":\"PROBE\",\"groups\":\"probe\"}", "{\"enabled\":\"maybe\"}",
                "{\"reason\":" + "[".repeat(2000) + "}", "{\"a\":1,\"a\":2}", "{\"priority\":\"high\",\"name\":\"r\"}",
                "{\"name\":\"r-1\",\"permissions\":[null]}", "{\"name\":\"r-2\",\"permissions\":[1,2]}",
                "{\"bootstrapToken\":5,\"csr\":{}}", "{\"name\":\"g\",\"publicKey\":null}", "{\"roles\":[null],\"name\":\"g-1\"}");
        List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
        List<String> failures = new ArrayList<>();
        for (String path : paths) {
            for (String method : methods) {
                for (String body : bodies) {
                    for (String contentType : List.of("application/json", "text/plain")) {
                        HttpResponse<String> response = http.raw(method, path, body.getBytes(StandardCharsets.UTF_8),
                                Map.of("Content-Type", contentType), ADMIN, SERVICE_TOKEN);
                        check(failures, method + " " + path + " [" + contentType + "] " + abbreviate(body), response);
                    }
                }
            }
        }
        byte[] garbage = new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '{', (byte) 0x80};
        for (String path : paths) {
            check(failures, "POST " + path + " garbage", http.raw("POST", path, garbage,
                    Map.of("Content-Type", "application/json"), ADMIN, SERVICE_TOKEN));
        }
        assertThat(failures).isEmpty();
    }

    private static void check(List<String> failures, String what, HttpResponse<String> response) {
        if (response.statusCode() >= 500) {
            failures.add(what + " -> " + response.statusCode() + " " + response.body());
        } else if (response.statusCode() >= 400 && response.statusCode() != 405
                && !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            failures.add(what + " -> " + response.statusCode() + " without problem+json");
        } else if (response.statusCode() == 405
                && !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            failures.add(what + " -> 405 without problem+json");
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    // ---- helpers ------------------------------------------------------------------------------

    JsonNode createPrincipal(String name, String kind) {
        return created(http.post("/api/v1/principals", ADMIN, "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\"}"));
    }

    JsonNode submit(String token, String csr) {
        HttpResponse<String> response = submitRaw(token, csr);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response);
    }

    HttpResponse<String> submitRaw(String token, String csr) {
        ObjectNode body = RegistryHttp.JSON.createObjectNode();
        body.put("bootstrapToken", token);
        body.put("csr", csr);
        return http.post("/api/v1/enrollments", null, body.toString());
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    static JsonNode created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response);
    }

    static void expectProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
