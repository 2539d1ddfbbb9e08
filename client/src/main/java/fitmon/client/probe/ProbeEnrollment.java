package fitmon.client.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Consumer;

import fitmon.client.http.ApiKey;
import fitmon.client.http.GatewayClient;
import fitmon.core.channel.TagSyntax;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A probe's enrollment: a fresh key pair, a PKCS#10 request whose CN is the probe id, sent with
 * the one-time bootstrap token; then, once an admin approved it, the certificate. Everything lands
 * in a {@link ProbeDirectory}, the private key first, so an interrupted wait can be resumed.
 */
public final class ProbeEnrollment {

    public static final String PENDING = "PENDING";
    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";

    /** An enrollment as the registry reports it; {@code reason} is an admin's rejection reason. */
    public record State(String id, String probeId, String status, String reason) {

        public boolean approved() {
            return APPROVED.equals(status);
        }

        public boolean pending() {
            return PENDING.equals(status);
        }
    }

    private ProbeEnrollment() {
    }

    /**
     * Generates the key pair, submits the request and records the pending enrollment.
     *
     * @param gateway any gateway client (the call is authenticated by the token, not by an API key)
     * @param apiKey  the probe's API key to store with it for later calls, or null
     */
    public static State submit(GatewayClient gateway, ProbeDirectory directory, String probeId, String bootstrapToken,
                               SignatureAlgorithm algorithm, ApiKey apiKey) throws IOException {
        if (!TagSyntax.isValid(probeId)) {
            throw new IllegalArgumentException("probe id '" + probeId + "' is not valid: " + TagSyntax.rule());
        }
        if (algorithm != SignatureAlgorithm.ED25519 && algorithm != SignatureAlgorithm.ES256) {
            throw new IllegalArgumentException("probe keys are Ed25519 or ES256 (P-256), not " + algorithm.envelopeName());
        }
        if (directory.hasMetadata() || Files.exists(directory.keyFile())) {
            throw new IOException(directory.path() + " already holds a probe; enroll into a new directory");
        }
        KeyPair keys = MessageSigner.generateKeyPair(algorithm);
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("bootstrapToken", bootstrapToken);
        request.put("csr", csr(probeId, keys, algorithm));

        Files.createDirectories(directory.path());
        PemFiles.writePrivate(directory.keyFile(), PemFiles.pkcs8(keys.getPrivate()));
        JsonNode answer;
        try {
            answer = gateway.withApiKey(null).post("/api/v1/enrollments", request, false);
        } catch (RuntimeException e) {
            // without the enrollment id nothing can be resumed: leave the directory as it was
            Files.deleteIfExists(directory.keyFile());
            throw e;
        }
        State state = state(answer);
        directory.writeMetadata(new ProbeDirectory.Metadata(probeId, algorithm.envelopeName(), state.id(), state.status()));
        if (apiKey != null) {
            directory.writeApiKey(apiKey);
        }
        return state;
    }

    /**
     * Asks once how the enrollment stands; when approved, stores the certificate and the CA's.
     *
     * @param probeGateway a gateway client signing with the probe's API key
     */
    public static State check(GatewayClient probeGateway, ProbeDirectory directory) throws IOException {
        ProbeDirectory.Metadata metadata = directory.metadata();
        if (metadata.enrollmentId() == null) {
            throw new IOException(directory.metadataFile() + " names no enrollment");
        }
        JsonNode answer = probeGateway.get("/api/v1/enrollments/" + metadata.enrollmentId());
        State state = state(answer);
        if (state.approved()) {
            store(directory, metadata, text(answer, "certificate"), text(answer, "caCertificate"));
        }
        directory.writeMetadata(new ProbeDirectory.Metadata(metadata.probeId(), metadata.algorithm(),
                metadata.enrollmentId(), state.status()));
        return state;
    }

    /**
     * Checks every {@code interval} until the enrollment is decided or {@code timeout} passed.
     *
     * @param onPending told of each answer that is still pending
     * @return the last state seen (still pending when the time ran out)
     */
    public static State await(GatewayClient probeGateway, ProbeDirectory directory, Duration timeout, Duration interval,
                              Consumer<State> onPending) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            State state = check(probeGateway, directory);
            if (!state.pending()) {
                return state;
            }
            if (onPending != null) {
                onPending.accept(state);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return state;
            }
            Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    /** A PEM PKCS#10 request with subject CN = the probe id, signed by the key it carries. */
    public static String csr(String probeId, KeyPair keys, SignatureAlgorithm algorithm) {
        String signatureName = algorithm == SignatureAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA";
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, probeId).build(), keys.getPublic())
                    .build(new JcaContentSignerBuilder(signatureName).build(keys.getPrivate()));
            return PemFiles.pem(request);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a CSR with " + signatureName, e);
        }
    }

    private static void store(ProbeDirectory directory, ProbeDirectory.Metadata metadata, String certificatePem,
                              String caPem) throws IOException {
        if (certificatePem == null) {
            throw new IOException("the enrollment is approved but the answer carries no certificate");
        }
        X509Certificate certificate = PemFiles.parseCertificate(certificatePem, "the issued certificate");
        PrivateKey key = PemFiles.readPrivateKey(directory.keyFile());
        ProbeCredentials credentials = ProbeCredentials.of(key, certificate);
        if (!credentials.probeId().equals(metadata.probeId())) {
            throw new IOException("the issued certificate names " + credentials.probeId() + ", not " + metadata.probeId());
        }
        Files.writeString(directory.certificateFile(), certificatePem, StandardCharsets.US_ASCII);
        if (caPem != null) {
            Files.writeString(directory.caCertificateFile(), caPem, StandardCharsets.US_ASCII);
        }
    }

    private static State state(JsonNode answer) {
        return new State(text(answer, "id"), text(answer, "probeId"), text(answer, "status"), text(answer, "reason"));
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.asString() : null;
    }
}
