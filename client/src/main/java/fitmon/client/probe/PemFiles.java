package fitmon.client.probe;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.io.ByteArrayInputStream;

import fitmon.core.crypto.SignatureAlgorithm;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM files of a probe: its private key (PKCS#8, as {@code openssl genpkey} writes it) and certificates. */
public final class PemFiles {

    private PemFiles() {
    }

    /** Reads a private key: PKCS#8 {@code PRIVATE KEY}, or the {@code EC PRIVATE KEY} form of older tools. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a PEM private key: " + e.getMessage());
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " holds a private key this JVM cannot use: " + e.getMessage());
        }
        throw new IOException(file + " must hold an unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
    }

    /** Reads the first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static X509Certificate parseCertificate(String pem, String where) throws IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(where + " is not a PEM X.509 certificate: " + e.getMessage());
        }
    }

    /** A private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), as openssl genpkey writes it. */
    public static String pkcs8(PrivateKey key) {
        String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** The PEM text of a certificate or CSR. */
    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM", e);
        }
        return out.toString();
    }

    /** Writes a file only its owner may read (where the file system knows POSIX permissions). */
    public static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The event signature algorithm a private key signs with: Ed25519, ES256 (P-256) or RS256. */
    public static SignatureAlgorithm algorithmOf(PrivateKey key) {
        String name = key.getAlgorithm();
        if ("Ed25519".equalsIgnoreCase(name) || "EdDSA".equalsIgnoreCase(name)) {
            return SignatureAlgorithm.ED25519;
        }
        if (key instanceof ECKey || "EC".equalsIgnoreCase(name)) {
            return SignatureAlgorithm.ES256;
        }
        if (key instanceof RSAKey || "RSA".equalsIgnoreCase(name)) {
            return SignatureAlgorithm.RS256;
        }
        throw new IllegalArgumentException("a " + name + " key cannot sign events (Ed25519, EC P-256 or RSA keys can)");
    }
}
