package fitmon.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {

    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");

    private static KeyPair probeKeys() {
        return MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
    }

    @Test
    void aNewCaIsASelfSignedEd25519Root() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
        X509Certificate cert = ca.certificate();
        cert.verify(ca.publicKey()); // throws unless self-signed by its own key
        assertThat(cert.getPublicKey()).isEqualTo(ca.publicKey());
        assertThat(ca.keyPair().getPublic()).isEqualTo(ca.publicKey());
        assertThat(ca.publicKey()).isInstanceOfSatisfying(EdECPublicKey.class,
                k -> assertThat(k.getParams().getName()).isEqualTo("Ed25519"));
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=fitmon-ca"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getBasicConstraints()).isZero(); // a CA, path length 0: it certifies end entities only
        boolean[] usage = cert.getKeyUsage();
        assertThat(usage[5]).as("keyCertSign").isTrue();
        assertThat(usage[6]).as("cRLSign").isTrue();
        assertThat(usage[0]).as("digitalSignature").isFalse();
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(3650), Duration.ofDays(3650).plusMinutes(6));
        assertThat(CertificateAuthority.generate("fitmon-ca").publicKey()).isNotEqualTo(ca.publicKey());
    }

    @Test
    void aProbeCertificateNamesTheProbeAndCarriesItsKey() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
        KeyPair keys = probeKeys();
        X509Certificate cert = ca.issueProbeCertificate("web-01", keys.getPublic(), FROM, TO);
        cert.verify(ca.publicKey());
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=web-01"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(cert.getNotBefore()).isEqualTo(Date.from(FROM));
        assertThat(cert.getNotAfter()).isEqualTo(Date.from(TO));
        assertThat(cert.getBasicConstraints()).as("end entity").isEqualTo(-1);
        boolean[] usage = cert.getKeyUsage();
        assertThat(usage[0]).as("digitalSignature").isTrue();
        assertThat(usage[5]).as("keyCertSign").isFalse();
        assertThat(cert.getSerialNumber()).isPositive();
    }

    @Test
    void serialNumbersAreDistinct() {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
        KeyPair keys = probeKeys();
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            BigInteger serial = ca.issueProbeCertificate("web-01", keys.getPublic(), FROM, TO).getSerialNumber();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(159); // RFC 5280: at most 20 octets, positive
            serials.add(serial);
        }
        assertThat(serials).hasSize(50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fitmon-ca", "fitmon CA, Inc.", "a+b=c", "fitmon \"root\" <ca>; x", " padded ", "caf\u00e9"})
    void issuedCertificatesChainToTheCaByName(String caName) throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate(caName);
        X509Certificate probe = ca.issueProbeCertificate("web-01", probeKeys().getPublic(), FROM, TO);
        X509Certificate gateway = ca.issueGatewayCertificate("gw-1", probeKeys().getPublic(), FROM, TO);
        assertThat(probe.getIssuerX500Principal().getEncoded()).isEqualTo(ca.certificate().getSubjectX500Principal().getEncoded());
        assertThat(gateway.getIssuerX500Principal().getEncoded()).isEqualTo(ca.certificate().getSubjectX500Principal().getEncoded());
        // a standard X.509 path validator finds the CA from the issuer name and accepts the chain
        for (X509Certificate leaf : List.of(probe, gateway)) {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(FROM.plus(Duration.ofDays(1))));
            CertPathValidator.getInstance("PKIX").validate(path, params);
        }
    }

    @Test
    void aCaLoadedWithARicherSubjectIssuesUnderThatExactName() throws Exception {
        // a CA certificate made elsewhere (say by an operator's tooling), with more than a CN
        KeyPair caKeys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        X500Name subject = new X500Name("C=PT,O=fitmon,OU=monitoring,CN=fitmon-ca");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.TEN,
                Date.from(FROM.minus(Duration.ofDays(1))), Date.from(TO.plus(Duration.ofDays(1))), subject, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("Ed25519").build(caKeys.getPrivate())));
        CertificateAuthority loaded = new CertificateAuthority(caKeys, caCert);
        assertThat(loaded.certificate()).isSameAs(caCert);
        assertThat(loaded.publicKey()).isEqualTo(caKeys.getPublic());

        X509Certificate cert = loaded.issueProbeCertificate("web-01", probeKeys().getPublic(), FROM, TO);
        assertThat(cert.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
        assertThat(new ProbeCertificateVerifier(caKeys.getPublic())
                .verify(cert.getEncoded(), FROM.plusSeconds(1).toEpochMilli()).probeId()).isEqualTo("web-01");
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(caCert, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(FROM.plus(Duration.ofDays(1))));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    @Test
    void theProbeIdIsStoredVerbatimNeverReadAsEncodedDer() throws Exception {
        // BouncyCastle's string form reads "#..." as hex DER: 0c 06 "web-01" would have named probe web-01
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
        X509Certificate cert = ca.issueProbeCertificate("#0c067765622d3031", probeKeys().getPublic(), FROM, TO);
        assertThat(ProbeCertificateVerifier.commonNameOf(cert.getSubjectX500Principal().getEncoded()))
                .isNotEqualTo("web-01").contains("0c067765622d3031");
        X509Certificate backslash = ca.issueProbeCertificate("\\web-01", probeKeys().getPublic(), FROM, TO);
        assertThat(ProbeCertificateVerifier.commonNameOf(backslash.getSubjectX500Principal().getEncoded()))
                .isNotEqualTo("web-01");
    }

    @Test
    void aGatewayCertificateCarriesTheGatewayUnit() throws Exception {
        CertificateAuthority ca = CertificateAuthority.generate("fitmon-ca");
        X509Certificate cert = ca.issueGatewayCertificate("gw-1", probeKeys().getPublic(), FROM, TO);
        cert.verify(ca.publicKey());
        byte[] subject = cert.getSubjectX500Principal().getEncoded();
        assertThat(ProbeCertificateVerifier.isGateway(subject)).isTrue();
        assertThat(ProbeCertificateVerifier.commonNameOf(subject)).isEqualTo("gw-1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        byte[] probeSubject = ca.issueProbeCertificate("gw-1", probeKeys().getPublic(), FROM, TO).getSubjectX500Principal().getEncoded();
        assertThat(ProbeCertificateVerifier.isGateway(probeSubject)).isFalse();
    }
}
