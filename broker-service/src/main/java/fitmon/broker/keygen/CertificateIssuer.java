package fitmon.broker.keygen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import fitmon.core.pki.CaTrust;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.link.LinkCredentials;

/**
 * Issues certificates from the fitmon CA's key files: each replica's link certificate and the
 * gateway's HTTPS certificate. A certificate with more than {@link #RENEW_BEFORE} left that still
 * fits is kept; one closer to its end, gone, or no longer fitting (other host names) is issued
 * anew with a fresh key, which the service picks up without a restart.
 */
final class CertificateIssuer {

    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path caDir;
    private CertificateAuthority ca;
    private X509Certificate caCertificate;

    CertificateIssuer(Path caDir) {
        this.caDir = caDir;
    }

    static Path certFile(Path out, int replica) {
        return out.resolve("replica-" + replica).resolve("link.cert.pem");
    }

    static Path keyFile(Path out, int replica) {
        return out.resolve("replica-" + replica).resolve("link.key.pem");
    }

    static Path httpsCertFile(Path out) {
        return out.resolve("gateway").resolve("https.cert.pem");
    }

    static Path httpsKeyFile(Path out) {
        return out.resolve("gateway").resolve("https.key.pem");
    }

    void issueLinks(Path out, int replicas, List<Path> written, List<String> kept) {
        for (int id = 0; id < replicas; id++) {
            int replica = id;
            issue(certFile(out, id), keyFile(out, id), "replica " + id + " link certificate", existing -> true,
                    (authority, key, from, to) -> authority.issueReplicaCertificate(replica, key, from, to), written, kept);
        }
    }

    /** The gateway's HTTPS certificate for these host names and addresses. */
    void issueGatewayHttps(Path out, List<String> hosts, List<Path> written, List<String> kept) {
        issue(httpsCertFile(out), httpsKeyFile(out), "gateway HTTPS certificate", existing -> namesHosts(existing, hosts),
                (authority, key, from, to) -> authority.issueServerCertificate("gateway", hosts, key, from, to), written, kept);
    }

    private interface Issue {
        X509Certificate issue(CertificateAuthority authority, PublicKey key, Instant notBefore, Instant notAfter);
    }

    private void issue(Path cert, Path key, String label, Predicate<X509Certificate> fits, Issue issue,
                       List<Path> written, List<String> kept) {
        if (Files.exists(cert) && Files.exists(key) && !dueForRenewal(cert, key, fits.and(this::issuedByCurrentCa))) {
            kept.add(label);
            return;
        }
        if (ca == null) {
            ca = loadCa();
        }
        KeyPair pair = ed25519();
        Instant now = Instant.now();
        X509Certificate certificate = issue.issue(ca, pair.getPublic(), now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY));
        // each file written aside and moved into place whole: a service re-reading them never
        // sees half a file, and one that reads the new key before the new certificate keeps
        // its last good pair (they must match) until both are there
        Path newKey = key.resolveSibling(key.getFileName() + ".new");
        Path newCert = cert.resolveSibling(cert.getFileName() + ".new");
        try {
            Files.deleteIfExists(newKey);
            ReplicaKeyGen.writeSecret(newKey, ReplicaKeyGen.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
                    new ArrayList<>());
            ReplicaKeyGen.writePublic(newCert, ReplicaKeyGen.pem("CERTIFICATE", certificate.getEncoded()),
                    new ArrayList<>());
            Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written.add(key);
            written.add(cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + key + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the " + label, e);
        }
    }

    /**
     * True if the certificate's subject alternative names are exactly these hosts: addresses
     * compared as addresses (the certificate spells {@code ::1} in full), names case-blind.
     */
    private static boolean namesHosts(X509Certificate certificate, List<String> hosts) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            Set<String> named = new HashSet<>();
            for (List<?> name : names) {
                named.add(canonicalHost(String.valueOf(name.get(1))));
            }
            return named.equals(new HashSet<>(hosts.stream().map(h -> canonicalHost(h.trim())).toList()));
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    private static String canonicalHost(String host) {
        if (org.bouncycastle.util.IPAddress.isValid(host)) {
            try {
                return java.net.InetAddress.getByName(host).getHostAddress(); // a literal: no lookup
            } catch (java.net.UnknownHostException e) {
                return host;
            }
        }
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    /** A certificate of another CA (the CA's files were replaced) is issued anew from the current one. */
    private boolean issuedByCurrentCa(X509Certificate certificate) {
        try {
            if (caCertificate == null) {
                caCertificate = CaTrust.readCertificate(caDir.resolve("ca.cert.pem"));
            }
            certificate.verify(caCertificate.getPublicKey());
            return true;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** A PKCS#8 PEM private key of the given algorithm. */
    private static PrivateKey readPrivateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    /** Close to its end, unreadable, or not the key's certificate (a renewal cut short): issue it again. */
    private static boolean dueForRenewal(Path certFile, Path keyFile, Predicate<X509Certificate> fits) {
        try {
            X509Certificate existing = CaTrust.readCertificate(certFile);
            PrivateKey key = readPrivateKey(keyFile, existing.getPublicKey().getAlgorithm());
            new LinkCredentials(key, existing); // refuses a key that is not the certificate's
            return !fits.test(existing) || existing.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return true;
        }
    }

    private CertificateAuthority loadCa() {
        Path keyFile = caDir.resolve("ca.key.pem");
        Path certFile = caDir.resolve("ca.cert.pem");
        try {
            X509Certificate certificate = CaTrust.readCertificate(certFile);
            PrivateKey privateKey = readPrivateKey(keyFile, "Ed25519");
            return new CertificateAuthority(new KeyPair(certificate.getPublicKey(), privateKey), certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("certificates need the CA's key and certificate: cannot read "
                    + keyFile + " and " + certFile + " (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("unreadable CA key or certificate in " + caDir + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available", e);
        }
    }
}
