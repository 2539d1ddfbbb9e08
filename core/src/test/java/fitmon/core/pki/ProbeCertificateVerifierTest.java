package fitmon.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.pki.CertificateRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProbeCertificateVerifierTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-test-ca");
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");
    private static final long INSIDE = FROM.plus(Duration.ofDays(1)).toEpochMilli();
    private final ProbeCertificateVerifier verifier = new ProbeCertificateVerifier(CA.publicKey());

    private static byte[] certificate(CertificateAuthority ca, String probeId, PublicKey key) throws Exception {
        return ca.issueProbeCertificate(probeId, key, FROM, TO).getEncoded();
    }

    /** A public key that is whatever SubjectPublicKeyInfo bytes we say, to certify keys no generator makes. */
    record RawKey(String algorithm, byte[] spki) implements PublicKey {
        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return "X.509";
        }

        @Override
        public byte[] getEncoded() {
            return spki.clone();
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aCertificateFromTheCaProvesTheProbeIdAndKey(SignatureAlgorithm alg) throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(alg);
        X509Certificate cert = CA.issueProbeCertificate("web-01", keys.getPublic(), FROM, TO);
        ProbeIdentity id = verifier.verify(cert.getEncoded(), INSIDE);
        assertThat(id.probeId()).isEqualTo("web-01");
        assertThat(id.publicKeySpki()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(id.serial()).isEqualTo(cert.getSerialNumber());
        assertThat(id.notAfterMillis()).isEqualTo(TO.toEpochMilli());
        // the key it proves verifies what the probe signs
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        VerificationKey key = VerificationKey.fromSpki(id.publicKeySpki());
        assertThat(key.algorithm()).isEqualTo(alg);
        assertThat(key.verify(alg, message, new MessageSigner(alg, keys.getPrivate()).sign(message))).isTrue();
    }

    @Test
    void validityBoundsAreInclusive() throws Exception {
        byte[] cert = certificate(CA, "web-01", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        assertThat(verifier.verify(cert, FROM.toEpochMilli()).probeId()).isEqualTo("web-01");
        assertThat(verifier.verify(cert, TO.toEpochMilli()).probeId()).isEqualTo("web-01");
        assertReason(() -> verifier.verify(cert, FROM.toEpochMilli() - 1), Reason.NOT_YET_VALID, "not valid before");
        assertReason(() -> verifier.verify(cert, TO.toEpochMilli() + 1), Reason.EXPIRED, "expired");
        assertReason(() -> verifier.verify(cert, 0), Reason.NOT_YET_VALID, "not valid before");
        assertReason(() -> verifier.verify(cert, Long.MAX_VALUE), Reason.EXPIRED, "expired");
    }

    @Test
    void garbageIsMalformed() throws Exception {
        byte[] good = certificate(CA, "web-01", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        for (byte[] garbage : new byte[][] {new byte[0], {0x30, 0x03, 1, 2, 3}, "not a certificate".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(good, good.length / 2), Arrays.copyOf(good, good.length - 1)}) {
            assertReason(() -> verifier.verify(garbage, INSIDE), Reason.MALFORMED, "not a DER X.509 certificate");
        }
        assertReason(() -> verifier.verify(null, INSIDE), Reason.MALFORMED, "not a DER X.509 certificate");
    }

    @Test
    void aCertificateFromAnotherCaIsUntrusted() throws Exception {
        CertificateAuthority rogue = CertificateAuthority.generate("fitmon-test-ca"); // same name, other key
        byte[] cert = certificate(rogue, "web-01", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.UNTRUSTED, "not issued by the fitmon CA");
        assertThat(new ProbeCertificateVerifier(rogue.publicKey()).verify(cert, INSIDE).probeId()).isEqualTo("web-01");
    }

    @Test
    void aTamperedCertificateIsUntrustedOrMalformed() throws Exception {
        byte[] good = certificate(CA, "web-01", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        String text = new String(good, StandardCharsets.ISO_8859_1);
        int cn = text.indexOf("web-01");
        assertThat(cn).isPositive();
        byte[] renamed = good.clone();
        renamed[cn + 5] = '2'; // web-02: same length, still DER
        assertReason(() -> verifier.verify(renamed, INSIDE), Reason.UNTRUSTED, "not issued by the fitmon CA");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad id with spaces", "-leading-dash", "caf\u00e9", "slash/probe", "#0c067765622d3031", ""})
    void aCnThatIsNotAProbeIdIsRefused(String cn) throws Exception {
        byte[] cert = certificate(CA, cn, MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.NO_PROBE_ID, "CN must be a probe id");
    }

    @Test
    void aCnOf129CharactersIsRefused() throws Exception {
        PublicKey key = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic();
        assertThat(verifier.verify(certificate(CA, "p".repeat(128), key), INSIDE).probeId()).hasSize(128);
        byte[] cert = certificate(CA, "p".repeat(129), key);
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.NO_PROBE_ID, "CN must be a probe id");
    }

    @Test
    void aGatewayCertificateIsNotAProbeCertificate() throws Exception {
        byte[] cert = CA.issueGatewayCertificate("web-01", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic(),
                FROM, TO).getEncoded();
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.NO_PROBE_ID, "gateway");
    }

    @Test
    void aReplicasOrTheGatewaysTlsCertificateIsNotAProbeCertificate() throws Exception {
        var key = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic();
        byte[] server = CA.issueServerCertificate("web-01", java.util.List.of("localhost"), key, FROM, TO).getEncoded();
        assertReason(() -> verifier.verify(server, INSIDE), Reason.NO_PROBE_ID, "role");
        byte[] replica = CA.issueReplicaCertificate(2, key, FROM, TO).getEncoded();
        assertReason(() -> verifier.verify(replica, INSIDE), Reason.NO_PROBE_ID, "role");
    }

    @Test
    void theCaCertificateIsNotAProbeCertificate() throws Exception {
        // self-signed by the CA key, a valid-looking CN, an Ed25519 key: only its CA flag tells it apart
        byte[] cert = CA.certificate().getEncoded();
        assertReason(() -> verifier.verify(cert, System.currentTimeMillis()), Reason.NO_PROBE_ID, "CA certificate");
    }

    @Test
    void anEcP384KeyIsUnsupported() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] cert = certificate(CA, "web-01", ec.generateKeyPair().getPublic());
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.UNSUPPORTED_KEY, "P-256");
    }

    @Test
    void anRsa1024KeyIsUnsupported() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        byte[] cert = certificate(CA, "weak", rsa.generateKeyPair().getPublic());
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.UNSUPPORTED_KEY, "2048");
    }

    @Test
    void anEd448KeyIsUnsupported() throws Exception {
        byte[] cert = certificate(CA, "web-01", KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPublic());
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.UNSUPPORTED_KEY, "unsupported public key algorithm");
    }

    @Test
    void anEd25519KeyThatIsNotACurvePointIsUnsupportedNotACrash() throws Exception {
        byte[] spki = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic().getEncoded();
        Arrays.fill(spki, 12, 44, (byte) 0xff);
        spki[43] = 0x7f;
        byte[] cert = certificate(CA, "web-01", new RawKey("Ed25519", spki));
        assertReason(() -> verifier.verify(cert, INSIDE), Reason.UNSUPPORTED_KEY, "Ed25519");
    }

    interface Check {
        void run() throws Exception;
    }

    static void assertReason(Check check, Reason reason, String message) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(CertificateRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
