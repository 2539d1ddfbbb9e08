package fitmon.core.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fitmon certificate authority: an Ed25519 key that certifies probe keys. Brokers trust
 * exactly its public key; the probe id is the certificate's subject CN.
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    public CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A new self-signed CA, valid for ten years. */
    public static CertificateAuthority generate(String name) {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        X500Name subject = commonName(name);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))),
                    subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new CertificateAuthority(keys, sign(builder, keys));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** Certifies a probe's public key; the probe id becomes the subject CN. */
    public X509Certificate issueProbeCertificate(String probeId, PublicKey probeKey, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName(), serial(), Date.from(notBefore), Date.from(notAfter),
                    commonName(probeId), probeKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return sign(builder, keyPair);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build a probe certificate", e);
        }
    }

    /**
     * Certifies a gateway's key: subject OU {@value #GATEWAY_UNIT}, CN the gateway's name. Replicas
     * accept commands signed by such keys only.
     */
    public X509Certificate issueGatewayCertificate(String name, PublicKey gatewayKey, Instant notBefore, Instant notAfter) {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, GATEWAY_UNIT)
                    .addRDN(BCStyle.CN, new DERUTF8String(name)).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName(), serial(), Date.from(notBefore), Date.from(notAfter), subject, gatewayKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return sign(builder, keyPair);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build a gateway certificate", e);
        }
    }

    /** The subject OU that marks a gateway certificate. */
    public static final String GATEWAY_UNIT = "fitmon-gateway";

    /** The subject OU that marks a replica's link certificate. */
    public static final String REPLICA_UNIT = "fitmon-replica";

    /**
     * Certifies a replica's link key (TLS on its peer and client ports): subject OU
     * {@value #REPLICA_UNIT}, CN {@code replica-ID}, usable by a TLS server and a TLS client.
     */
    public X509Certificate issueReplicaCertificate(int replicaId, PublicKey linkKey, Instant notBefore, Instant notAfter) {
        if (replicaId < 0) {
            throw new IllegalArgumentException("replica id must be 0 or more, got " + replicaId);
        }
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, REPLICA_UNIT)
                    .addRDN(BCStyle.CN, new DERUTF8String("replica-" + replicaId)).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName(), serial(), Date.from(notBefore), Date.from(notAfter), subject, linkKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            return sign(builder, keyPair);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build a replica certificate", e);
        }
    }

    /** The subject OU that marks a TLS server certificate (the gateway's HTTPS). */
    public static final String SERVER_UNIT = "fitmon-server";

    /**
     * Certifies a TLS server's key (HTTPS): subject OU {@value #SERVER_UNIT}, CN {@code name}, a
     * subject alternative name per host (an IP address literal as such, anything else as a DNS
     * name), usable only to serve TLS. Neither replicas nor relays accept it as a gateway's or a
     * replica's certificate: those roles have their own OU.
     */
    public X509Certificate issueServerCertificate(String name, List<String> hosts, PublicKey serverKey, Instant notBefore,
                                                  Instant notAfter) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or address");
        }
        GeneralName[] names = new GeneralName[hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i).trim();
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty host name in " + hosts);
            }
            names[i] = IPAddress.isValid(host) ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host);
        }
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, SERVER_UNIT)
                    .addRDN(BCStyle.CN, new DERUTF8String(name)).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName(), serial(), Date.from(notBefore), Date.from(notAfter), subject, serverKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            return sign(builder, keyPair);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot build a server certificate", e);
        }
    }

    /**
     * The issuer of what this CA signs is its certificate's subject, byte for byte, so that X.509
     * path validation links the two (RFC 5280 name chaining). Rebuilding it from the CN text would
     * not: the text form escapes characters such as ',' and drops any other attribute.
     */
    private X500Name issuerName() {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("Ed25519").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    /**
     * The value is stored as a UTF8String exactly as given. Passing the text to BouncyCastle's
     * string form instead would read a leading '#' as hex DER (so "#0c06..." would name another
     * probe) and drop a leading backslash.
     */
    private static X500Name commonName(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, new DERUTF8String(cn)).build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
