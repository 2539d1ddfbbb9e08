package fitmon.client.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import fitmon.client.http.ApiKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The files of one probe, as {@code fitmon enroll} leaves them:
 *
 * <pre>
 * probe.json     {"probeId","algorithm","enrollmentId","status"}
 * key.pem        the private key, PKCS#8 PEM (0600)
 * cert.pem       the probe certificate the fitmon CA issued
 * ca.pem         the CA certificate
 * api-key.json   {"keyId","secret"} of the probe's API key, when one was given (0600)
 * seq.json       {"lastSeq":N}, the SEQ counter (and seq.json.lock beside it)
 * </pre>
 */
public final class ProbeDirectory {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What probe.json records. */
    public record Metadata(String probeId, String algorithm, String enrollmentId, String status) {
    }

    private final Path path;

    public ProbeDirectory(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    public Path path() {
        return path;
    }

    public Path metadataFile() {
        return path.resolve("probe.json");
    }

    public Path keyFile() {
        return path.resolve("key.pem");
    }

    public Path certificateFile() {
        return path.resolve("cert.pem");
    }

    public Path caCertificateFile() {
        return path.resolve("ca.pem");
    }

    public Path apiKeyFile() {
        return path.resolve("api-key.json");
    }

    public SequenceFile sequence() {
        return new SequenceFile(path.resolve("seq.json"));
    }

    /** Whether the enrollment finished: a certificate is stored. */
    public boolean enrolled() {
        return Files.isRegularFile(certificateFile());
    }

    public boolean hasMetadata() {
        return Files.isRegularFile(metadataFile());
    }

    public Metadata metadata() throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(metadataFile(), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException(metadataFile() + " is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || text(node, "probeId") == null) {
            throw new IOException(metadataFile() + " does not describe a probe");
        }
        return new Metadata(text(node, "probeId"), text(node, "algorithm"), text(node, "enrollmentId"),
                text(node, "status"));
    }

    public void writeMetadata(Metadata metadata) throws IOException {
        Files.createDirectories(path);
        ObjectNode node = JSON.createObjectNode();
        node.put("probeId", metadata.probeId());
        node.put("algorithm", metadata.algorithm());
        node.put("enrollmentId", metadata.enrollmentId());
        node.put("status", metadata.status());
        Files.writeString(metadataFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n",
                StandardCharsets.UTF_8);
    }

    /** The key and certificate; fails with a readable message when the probe is not enrolled yet. */
    public ProbeCredentials credentials() throws IOException {
        if (!Files.isRegularFile(keyFile())) {
            throw new IOException(path + " holds no probe key (" + keyFile().getFileName() + "); enroll first: fitmon enroll");
        }
        if (!enrolled()) {
            throw new IOException(path + " holds no certificate yet: the enrollment is not approved "
                    + "(run fitmon enroll --dir " + path + " again once an admin approved it)");
        }
        return ProbeCredentials.load(keyFile(), certificateFile());
    }

    /** The stored API key, or null when none was stored. */
    public ApiKey apiKey() throws IOException {
        return Files.isRegularFile(apiKeyFile()) ? ApiKey.read(apiKeyFile()) : null;
    }

    public void writeApiKey(ApiKey key) throws IOException {
        Files.createDirectories(path);
        PemFiles.writePrivate(apiKeyFile(), key.toJson() + "\n");
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isString() ? value.asString() : null;
    }
}
