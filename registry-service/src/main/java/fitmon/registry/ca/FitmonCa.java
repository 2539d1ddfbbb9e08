package fitmon.registry.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

import fitmon.core.pki.CertificateAuthority;
import fitmon.registry.config.Pem;
import fitmon.registry.config.RegistryProperties;
import fitmon.registry.config.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The fitmon certificate authority of this registry: its Ed25519 key (PKCS#8 PEM, 0600) and
 * self-signed certificate (PEM), read from the configured files or generated on the first start.
 */
@Component
public class FitmonCa {

    private static final Logger log = LoggerFactory.getLogger(FitmonCa.class);

    private final CertificateAuthority authority;
    private final String certificatePem;
    private final RegistryProperties.Ca settings;

    public FitmonCa(RegistryProperties properties) {
        this.settings = properties.ca();
        Path keyFile = properties.resolvedCaKeyFile();
        Path certFile = properties.resolvedCaCertFile();
        boolean hasKey = Files.exists(keyFile);
        boolean hasCert = Files.exists(certFile);
        if (hasKey != hasCert) {
            throw new IllegalStateException("the CA needs both its key and its certificate: found only "
                    + (hasKey ? keyFile : certFile) + "; restore the other file or remove both to create a new CA");
        }
        if (hasKey) {
            this.authority = load(keyFile, certFile);
            log.info("fitmon CA loaded from {}", certFile.toAbsolutePath());
        } else {
            this.authority = CertificateAuthority.generate("fitmon CA");
            SecretFiles.write(keyFile, Pem.encode("PRIVATE KEY", authority.keyPair().getPrivate().getEncoded()));
            write(certFile, pem(authority.certificate()));
            log.info("generated a new fitmon CA: certificate {}, key {}", certFile.toAbsolutePath(),
                    keyFile.toAbsolutePath());
        }
        this.certificatePem = pem(authority.certificate());
    }

    public String certificatePem() {
        return certificatePem;
    }

    public PublicKey publicKey() {
        return authority.publicKey();
    }

    public X509Certificate issueProbeCertificate(String probeId, PublicKey key, Instant now) {
        return authority.issueProbeCertificate(probeId, key, now, now.plus(settings.probeValidity()));
    }

    public X509Certificate issueGatewayCertificate(String name, PublicKey key, Instant now) {
        return authority.issueGatewayCertificate(name, key, now, now.plus(settings.gatewayValidity()));
    }

    public static String pem(X509Certificate certificate) {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    private static CertificateAuthority load(Path keyFile, Path certFile) {
        try {
            byte[] keyDer = Pem.decode(Files.readString(keyFile, StandardCharsets.UTF_8), "PRIVATE KEY");
            byte[] certDer = Pem.decode(Files.readString(certFile, StandardCharsets.UTF_8), "CERTIFICATE");
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certDer));
            PublicKey publicKey = certificate.getPublicKey();
            PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(keyDer));
            return new CertificateAuthority(new KeyPair(publicKey, privateKey), certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA files: " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the CA files " + keyFile + " and " + certFile + " are not a PEM PKCS#8 key "
                    + "and a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Base64 DER SubjectPublicKeyInfo of the CA key, what the brokers are configured with. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(authority.publicKey().getEncoded());
    }
}
