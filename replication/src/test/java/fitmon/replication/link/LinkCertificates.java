package fitmon.replication.link;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.pki.CertificateAuthority;

/** A test CA and the link credentials it issues: replicas, gateways, probes, expired ones. */
public final class LinkCertificates {

    private final CertificateAuthority ca = CertificateAuthority.generate("fitmon test CA");

    public CertificateAuthority ca() {
        return ca;
    }

    public LinkCredentials replica(int id) {
        return issue((key, from, to) -> ca.issueReplicaCertificate(id, key, from, to), Duration.ofDays(1));
    }

    public LinkCredentials expiredReplica(int id) {
        return issue((key, from, to) -> ca.issueReplicaCertificate(id, key, from, to), Duration.ofDays(-1));
    }

    public LinkCredentials gateway(String name) {
        return issue((key, from, to) -> ca.issueGatewayCertificate(name, key, from, to), Duration.ofDays(1));
    }

    public LinkCredentials probe(String name) {
        return issue((key, from, to) -> ca.issueProbeCertificate(name, key, from, to), Duration.ofDays(1));
    }

    private interface Issuer {
        X509Certificate issue(PublicKey key, Instant notBefore, Instant notAfter);
    }

    /** A fresh Ed25519 key certified from two days back until {@code endsIn} from now. */
    private static LinkCredentials issue(Issuer issuer, Duration endsIn) {
        KeyPair keys = ed25519();
        Instant now = Instant.now();
        return new LinkCredentials(keys.getPrivate(), issuer.issue(keys.getPublic(), now.minus(Duration.ofDays(2)),
                now.plus(endsIn)));
    }

    /** Settings for a process holding these credentials and trusting this CA. */
    public LinkSettings settings(LinkCredentials credentials) {
        return LinkSettings.of(new LinkTls(ca.publicKey(), () -> credentials));
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
