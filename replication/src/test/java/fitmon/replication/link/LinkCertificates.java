package fitmon.replication.link;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
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
        KeyPair keys = ed25519();
        Instant now = Instant.now();
        return new LinkCredentials(keys.getPrivate(), ca.issueReplicaCertificate(id, keys.getPublic(),
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))));
    }

    public LinkCredentials expiredReplica(int id) {
        KeyPair keys = ed25519();
        Instant now = Instant.now();
        return new LinkCredentials(keys.getPrivate(), ca.issueReplicaCertificate(id, keys.getPublic(),
                now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    }

    public LinkCredentials gateway(String name) {
        KeyPair keys = ed25519();
        Instant now = Instant.now();
        return new LinkCredentials(keys.getPrivate(), ca.issueGatewayCertificate(name, keys.getPublic(),
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))));
    }

    public LinkCredentials probe(String name) {
        KeyPair keys = ed25519();
        Instant now = Instant.now();
        return new LinkCredentials(keys.getPrivate(), ca.issueProbeCertificate(name, keys.getPublic(),
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))));
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
