package fitmon.core.pki;

import static fitmon.core.pki.ProbeCertificateVerifierTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.pki.CertificateRejectedException.Reason;
import org.junit.jupiter.api.Test;

class GatewayCertificateVerifierTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("fitmon-test-ca");
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");
    private static final long INSIDE = FROM.plus(Duration.ofDays(1)).toEpochMilli();

    private final GatewayCertificateVerifier verifier = new GatewayCertificateVerifier(CA.publicKey());

    private static byte[] gateway(CertificateAuthority ca, String name, KeyPair keys) throws Exception {
        return ca.issueGatewayCertificate(name, keys.getPublic(), FROM, TO).getEncoded();
    }

    @Test
    void aGatewayCertificateFromTheCaIsAccepted() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        byte[] cert = gateway(CA, "gw-1", keys);
        GatewayCertificateVerifier.Gateway gw = verifier.verify(cert, INSIDE);
        assertThat(gw.name()).isEqualTo("gw-1");
        assertThat(gw.key().algorithm()).isEqualTo(SignatureAlgorithm.ED25519);
        assertThat(gw.key().spki()).isEqualTo(keys.getPublic().getEncoded());
        assertThat(gw.notBeforeMillis()).isEqualTo(FROM.toEpochMilli());
        assertThat(gw.notAfterMillis()).isEqualTo(TO.toEpochMilli());
        assertThat(gw.serial()).isEqualTo(((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(cert))).getSerialNumber());
        byte[] message = "command".getBytes(StandardCharsets.UTF_8);
        assertThat(gw.key().verify(SignatureAlgorithm.ED25519, message,
                new MessageSigner(SignatureAlgorithm.ED25519, keys.getPrivate()).sign(message))).isTrue();
        // remembered, and the same answer again
        assertThat(verifier.verify(cert, INSIDE)).isEqualTo(gw);
    }

    @Test
    void validityIsCheckedAtTheGivenInstantEveryTime() throws Exception {
        byte[] cert = gateway(CA, "gw-1", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519));
        assertThat(verifier.verify(cert, FROM.toEpochMilli()).name()).isEqualTo("gw-1");
        assertThat(verifier.verify(cert, TO.toEpochMilli()).name()).isEqualTo("gw-1");
        assertReason(() -> verifier.verify(cert, FROM.toEpochMilli() - 1), Reason.NOT_YET_VALID, "not valid yet");
        assertReason(() -> verifier.verify(cert, TO.toEpochMilli() + 1), Reason.EXPIRED, "expired");
        assertThat(verifier.verify(cert, INSIDE).name()).isEqualTo("gw-1");
    }

    @Test
    void eachRefusalHasItsReasonAndKeepsItWhenAskedAgain() throws Exception {
        byte[] garbage = {0x30, 0x03, 1, 2, 3};
        byte[] rogue = gateway(CertificateAuthority.generate("fitmon-test-ca"), "gw-1",
                MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519));
        byte[] probe = CA.issueProbeCertificate("gw-1", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic(),
                FROM, TO).getEncoded();
        byte[] ecGateway = gateway(CA, "gw-ec", MessageSigner.generateKeyPair(SignatureAlgorithm.ES256));
        for (int round = 0; round < 2; round++) {
            assertReason(() -> verifier.verify(garbage, INSIDE), Reason.MALFORMED, "not a DER X.509 certificate");
            assertReason(() -> verifier.verify(rogue, INSIDE), Reason.UNTRUSTED, "not issued by the fitmon CA");
            assertReason(() -> verifier.verify(probe, INSIDE), Reason.NO_PROBE_ID, "not a gateway certificate");
            assertReason(() -> verifier.verify(CA.certificate().getEncoded(), INSIDE), Reason.NO_PROBE_ID, "not a gateway certificate");
            assertReason(() -> verifier.verify(ecGateway, INSIDE), Reason.UNSUPPORTED_KEY, "Ed25519");
        }
    }

    @Test
    void forgettingRememberedCertificatesChangesNoAnswer() throws Exception {
        byte[] cert = gateway(CA, "gw-1", MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519));
        GatewayCertificateVerifier.Gateway first = verifier.verify(cert, INSIDE);
        for (int i = 0; i < 1_100; i++) {
            byte[] garbage = {0x30, 0x02, (byte) (i >> 8), (byte) i};
            assertReason(() -> verifier.verify(garbage, INSIDE), Reason.MALFORMED, "not a DER");
        }
        assertThat(verifier.verify(cert, INSIDE)).isEqualTo(first);
    }
}
