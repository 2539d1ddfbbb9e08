package fitmon.broker.keygen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.ReplicaKeys;

/**
 * Writes the key material a fitmon deployment needs, in the forms the services read:
 *
 * <pre>
 * OUT/replica-&lt;i&gt;/replica.key.pem   replica i's RSA private key, PKCS#8 PEM (0600)
 * OUT/public/replica-&lt;i&gt;.pub.pem    replica i's RSA public key, X.509 PEM
 * OUT/registry/ca.key.pem          (--ca) the fitmon CA's Ed25519 private key, PKCS#8 PEM (0600)
 * OUT/registry/ca.cert.pem         (--ca) its self-signed certificate; also OUT/ca/ca.cert.pem
 * OUT/replica-&lt;i&gt;/link.cert.pem   (--link-certs) replica i's link certificate (TLS on its client and
 *                                  peer ports), issued by the CA in --ca-dir (default OUT/registry), a year
 * OUT/replica-&lt;i&gt;/link.key.pem    (--link-certs) its Ed25519 private key, PKCS#8 PEM (0600)
 * OUT/gateway/https.cert.pem       (--gateway-https) the gateway's HTTPS certificate for the hosts of
 *                                  --gateway-hosts (default localhost,127.0.0.1), issued by the same CA
 * OUT/gateway/https.key.pem        (--gateway-https) its Ed25519 private key, PKCS#8 PEM (0600)
 * OUT/registry/master-key          (--registry-secrets) base64 of 32 random bytes (0600)
 * OUT/registry/service-token       (--registry-secrets) the service token; also OUT/gateway/service-token
 * OUT/registry-db/db-password      (--db-password) the registry's database password (0600)
 * OUT/db/password                  (--db-password) the same for the database container (0644: the
 *                                  database runs as a user of its own; mount this directory only there)
 * </pre>
 *
 * One directory per consumer, so each can be mounted alone: a replica gets its own
 * {@code replica-<i>} and {@code public}, the registry {@code registry}, the gateway {@code gateway}.
 * A set whose files all exist is kept, so running it again changes nothing; a set with only some
 * of its files is an error. {@code own-key} copies one replica's private key out of a directory
 * holding every replica's (a Kubernetes Secret), choosing it by the pod's ordinal.
 */
public final class ReplicaKeyGen {

    static final String USAGE = """
            usage: ReplicaKeyGen --out DIR --replicas N [--bits B] [--ca] [--link-certs] [--gateway-https [--gateway-hosts H,...]]
                                 [--ca-dir DIR] [--registry-secrets] [--db-password]
                   ReplicaKeyGen own-key --from DIR (--replica I | --hostname NAME-I) --to FILE""";

    private static final Pattern ORDINAL = Pattern.compile(".*-(\\d+)$");

    private final SecureRandom random = new SecureRandom();

    /** What one run produced: paths written and sets kept, for the log. */
    public record Result(List<Path> written, List<String> kept) {
    }

    public static void main(String[] args) {
        try {
            Result result = new ReplicaKeyGen().run(args);
            result.kept().forEach(set -> System.out.println("kept existing " + set));
            result.written().forEach(path -> System.out.println("wrote " + path));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    public Result run(String... args) {
        if (args.length > 0 && "own-key".equals(args[0])) {
            return ownKey(args);
        }
        Path out = null;
        int replicas = -1;
        int bits = 2048;
        boolean ca = false;
        boolean secrets = false;
        boolean dbPassword = false;
        boolean linkCerts = false;
        boolean gatewayHttps = false;
        List<String> gatewayHosts = List.of("localhost", "127.0.0.1");
        Path caDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--replicas" -> replicas = number(args, ++i);
                case "--bits" -> bits = number(args, ++i);
                case "--ca" -> ca = true;
                case "--link-certs" -> linkCerts = true;
                case "--gateway-https" -> gatewayHttps = true;
                case "--gateway-hosts" -> gatewayHosts = List.of(value(args, ++i).split(","));
                case "--ca-dir" -> caDir = Path.of(value(args, ++i));
                case "--registry-secrets" -> secrets = true;
                case "--db-password" -> dbPassword = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (out == null || replicas < 1) {
            throw new IllegalArgumentException("--out and --replicas (at least 1) are required");
        }
        if (bits < ReplicaKeys.MIN_RSA_BITS) {
            throw new IllegalArgumentException("--bits must be at least " + ReplicaKeys.MIN_RSA_BITS);
        }
        Result result = generate(out, replicas, bits, ca, secrets, dbPassword);
        if (!linkCerts && !gatewayHttps) {
            return result;
        }
        List<Path> written = new ArrayList<>(result.written());
        List<String> kept = new ArrayList<>(result.kept());
        CertificateIssuer issuer = new CertificateIssuer(caDir == null ? out.resolve("registry") : caDir);
        if (linkCerts) {
            issuer.issueLinks(out, replicas, written, kept);
        }
        if (gatewayHttps) {
            issuer.issueGatewayHttps(out, gatewayHosts, written, kept);
        }
        return new Result(List.copyOf(written), List.copyOf(kept));
    }

    Result generate(Path out, int replicas, int bits, boolean ca, boolean secrets, boolean dbPassword) {
        List<Path> written = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            Path privateFile = privateKeyFile(out, id);
            Path publicFile = publicKeyFile(out, id);
            if (complete("replica " + id + " key pair", kept, privateFile, publicFile)) {
                continue;
            }
            KeyPair pair = rsa(bits);
            writeSecret(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), written);
            writePublic(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), written);
        }
        if (ca) {
            Path key = out.resolve("registry/ca.key.pem");
            Path cert = out.resolve("registry/ca.cert.pem");
            Path publicCert = out.resolve("ca/ca.cert.pem");
            if (!complete("CA", kept, key, cert, publicCert)) {
                CertificateAuthority authority = CertificateAuthority.generate("fitmon CA");
                String certPem;
                try {
                    certPem = pem("CERTIFICATE", authority.certificate().getEncoded());
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException("cannot encode the CA certificate", e);
                }
                writeSecret(key, pem("PRIVATE KEY", authority.keyPair().getPrivate().getEncoded()), written);
                writePublic(cert, certPem, written);
                writePublic(publicCert, certPem, written);
            }
        }
        if (secrets) {
            Path masterKey = out.resolve("registry/master-key");
            Path registryToken = out.resolve("registry/service-token");
            Path gatewayToken = out.resolve("gateway/service-token");
            if (!complete("registry secrets", kept, masterKey, registryToken, gatewayToken)) {
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
                writeSecret(masterKey, Base64.getEncoder().encodeToString(randomBytes(32)), written);
                writeSecret(registryToken, token, written);
                writeSecret(gatewayToken, token, written);
            }
        }
        if (dbPassword) {
            Path registryCopy = out.resolve("registry-db/db-password");
            Path databaseCopy = out.resolve("db/password");
            if (!complete("database password", kept, registryCopy, databaseCopy)) {
                String password = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
                writeSecret(registryCopy, password, written);
                writePublic(databaseCopy, password, written);
            }
        }
        return new Result(List.copyOf(written), List.copyOf(kept));
    }

    private Result ownKey(String[] args) {
        Path from = null;
        Path to = null;
        Integer replica = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--from" -> from = Path.of(value(args, ++i));
                case "--to" -> to = Path.of(value(args, ++i));
                case "--replica" -> replica = number(args, ++i);
                case "--hostname" -> replica = ordinal(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (from == null || to == null || replica == null) {
            throw new IllegalArgumentException("own-key needs --from, --to and --replica or --hostname");
        }
        Path source = from.resolve("replica-" + replica + ".key.pem");
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("no private key for replica " + replica + " at " + source);
        }
        List<Path> written = new ArrayList<>();
        try {
            String key = Files.readString(source, StandardCharsets.US_ASCII);
            Files.deleteIfExists(to);
            writeSecret(to, key, written);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + to + ": " + e.getMessage(), e);
        }
        return new Result(written, List.of());
    }

    /** The pod ordinal at the end of a StatefulSet pod's name: {@code fitmon-broker-2} gives 2. */
    static int ordinal(String hostname) {
        Matcher matcher = ORDINAL.matcher(hostname == null ? "" : hostname);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("the host name '" + hostname + "' does not end in -<ordinal>");
        }
        return Integer.parseInt(matcher.group(1));
    }

    public static Path privateKeyFile(Path out, int replicaId) {
        return out.resolve("replica-" + replicaId).resolve("replica.key.pem");
    }

    public static Path publicKeyFile(Path out, int replicaId) {
        return out.resolve("public").resolve("replica-" + replicaId + ".pub.pem");
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static boolean complete(String set, List<String> kept, Path... files) {
        int present = 0;
        for (Path file : files) {
            if (Files.exists(file)) {
                present++;
            }
        }
        if (present == files.length) {
            kept.add(set);
            return true;
        }
        if (present > 0) {
            throw new IllegalStateException("the " + set + " is incomplete (" + present + " of " + files.length
                    + " files exist, e.g. " + files[0] + "): restore the missing files or remove them all");
        }
        return false;
    }

    private KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available: " + e.getMessage(), e);
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The file is owner-only (0600) before the secret goes in: no moment in which others could read it. */
    static void writeSecret(Path file, String content, List<Path> written) {
        try {
            createParent(file);
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + " for its owner only: " + e.getMessage(), e);
        }
        write(file, content);
        written.add(file);
    }

    static void writePublic(Path file, String content, List<Path> written) {
        write(file, content);
        written.add(file);
    }

    private static void write(Path file, String content) {
        try {
            createParent(file);
            Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i) {
        String text = value(args, i);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number, got '" + text + "'");
        }
    }
}
