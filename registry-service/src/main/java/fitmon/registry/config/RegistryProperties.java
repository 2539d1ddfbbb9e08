package fitmon.registry.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the registry ({@code fitmon.registry.*}). Every file setting left empty resolves
 * inside {@code data-dir}.
 *
 * @param dataDir          where the embedded database, keys and generated secrets live
 * @param masterKey        base64 of the 32-byte AES key that encrypts signing keys at rest; or
 * @param masterKeyFile    a file holding it (generated on first start when absent)
 * @param serviceToken     the token every caller must present in {@code X-Fitmon-Service-Token}; or
 * @param serviceTokenFile a file holding it (generated on first start when absent)
 * @param bootstrap        the first admin's key
 * @param ca               the fitmon certificate authority
 * @param enrollment       probe enrollment
 * @param tokens           console tokens
 * @param maxBodySize      largest request body; larger → 413 {@code BODY_TOO_LARGE} (every body
 *                         the registry takes is small JSON)
 */
@ConfigurationProperties("fitmon.registry")
public record RegistryProperties(
        @DefaultValue("./data/registry") String dataDir,
        String masterKey,
        String masterKeyFile,
        String serviceToken,
        String serviceTokenFile,
        @DefaultValue Bootstrap bootstrap,
        @DefaultValue Ca ca,
        @DefaultValue Enrollment enrollment,
        @DefaultValue Tokens tokens,
        @DefaultValue("1MB") DataSize maxBodySize) {

    /**
     * @param keyFile     where the bootstrap admin's key id and secret are written (created 0600);
     *                    empty: {@code admin-key.json} in {@code data-dir}
     * @param printSecret also print the secret on stdout (off: stdout and the log name only the
     *                    file, so the secret is not copied into log collectors)
     */
    public record Bootstrap(String keyFile, @DefaultValue("false") boolean printSecret) {
    }

    /**
     * @param keyFile         PEM PKCS#8 private key of the CA (generated when absent)
     * @param certFile        PEM self-signed certificate of the CA
     * @param probeValidity   lifetime of issued probe certificates
     * @param gatewayValidity lifetime of issued gateway certificates
     */
    public record Ca(String keyFile, String certFile, @DefaultValue("P365D") Duration probeValidity,
                     @DefaultValue("P30D") Duration gatewayValidity) {
    }

    /** @param tokenValidity how long a probe's one-time bootstrap token may be used */
    public record Enrollment(@DefaultValue("PT24H") Duration tokenValidity) {
    }

    /**
     * @param validity       lifetime of a console token
     * @param signingKeyFile PEM of the ES256 key pair that signs console tokens (generated when absent)
     */
    public record Tokens(@DefaultValue("PT15M") Duration validity, String signingKeyFile) {
    }

    public Path dataPath() {
        return Path.of(dataDir);
    }

    public Path resolvedMasterKeyFile() {
        return fileOr(masterKeyFile, "master.key");
    }

    public Path resolvedServiceTokenFile() {
        return fileOr(serviceTokenFile, "service-token");
    }

    public Path resolvedBootstrapKeyFile() {
        return fileOr(bootstrap.keyFile(), "admin-key.json");
    }

    public Path resolvedCaKeyFile() {
        return fileOr(ca.keyFile(), "ca.key.pem");
    }

    public Path resolvedCaCertFile() {
        return fileOr(ca.certFile(), "ca.cert.pem");
    }

    public Path resolvedTokenSigningKeyFile() {
        return fileOr(tokens.signingKeyFile(), "token-signing.key.pem");
    }

    private Path fileOr(String configured, String defaultName) {
        return configured == null || configured.isBlank() ? dataPath().resolve(defaultName) : Path.of(configured);
    }
}
