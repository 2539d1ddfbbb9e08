package fitmon.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import org.junit.jupiter.api.Test;

class ProbeCertificateVerifierTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-test-ca");
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");
    private final ProbeCertificateVerifier verifier = new ProbeCertificateVerifier(CA.publicKey());

    private static byte[] certificate(CertificateAuthority ca, String probeId, KeyPair keys) throws Exception {
        return ca.issueProbeCertificate(probeId, keys.getPublic(), FROM, TO).getEncoded();
    }

    @Test
    void aCertificateFromTheCaProvesTheProbeIdAndKey() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        ProbeIdentity id = verifier.verify(certificate(CA, "web-01", keys), FROM.plus(Duration.ofDays(1)).toEpochMilli());
        assertThat(id.probeId()).isEqualTo("web-01");
        assertThat(id.publicKeySpki()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(id.notAfterMillis()).isEqualTo(TO.toEpochMilli());
    }

    @Test
    void eachRefusalHasItsReason() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ES256);
        long inside = FROM.plus(Duration.ofDays(1)).toEpochMilli();
        assertReason(() -> verifier.verify(new byte[] {0x30, 0x03, 1, 2, 3}, inside), CertificateRejectedException.Reason.MALFORMED);
        CertificateAuthority rogue = CertificateAuthority.generate("rogue");
        assertReason(() -> verifier.verify(certificate(rogue, "web-01", keys), inside), CertificateRejectedException.Reason.UNTRUSTED);
        byte[] good = certificate(CA, "web-01", keys);
        assertReason(() -> verifier.verify(good, FROM.toEpochMilli() - 1), CertificateRejectedException.Reason.NOT_YET_VALID);
        assertReason(() -> verifier.verify(good, TO.toEpochMilli() + 1000), CertificateRejectedException.Reason.EXPIRED);
        assertReason(() -> verifier.verify(certificate(CA, "bad id with spaces", keys), inside),
                CertificateRejectedException.Reason.NO_PROBE_ID);
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertReason(() -> verifier.verify(certificate(CA, "weak", rsa.generateKeyPair()), inside),
                CertificateRejectedException.Reason.UNSUPPORTED_KEY);
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void assertReason(Check check, CertificateRejectedException.Reason reason) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(CertificateRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
