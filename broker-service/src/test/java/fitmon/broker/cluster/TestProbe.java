package fitmon.broker.cluster;

import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSigning;
import fitmon.core.pki.CertificateAuthority;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A probe for tests: its key, its certificate from a CA, and its SEQ counter. */
final class TestProbe {

    final String probeId;
    final byte[] certificate;
    private final MessageSigner signer;
    private long seq;

    TestProbe(String probeId, SignatureAlgorithm algorithm, CertificateAuthority ca) {
        this.probeId = probeId;
        KeyPair keys = MessageSigner.generateKeyPair(algorithm);
        this.signer = new MessageSigner(algorithm, keys.getPrivate());
        Instant now = Instant.now();
        try {
            this.certificate = ca.issueProbeCertificate(probeId, keys.getPublic(), now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(1))).getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next event of this probe, signed. */
    Event next(String tag) {
        return EventSigning.sign(unsigned(tag, ++seq), signer);
    }

    /** The next event of this probe, unsigned. */
    Event nextUnsigned(String tag) {
        return unsigned(tag, ++seq);
    }

    byte[] nextBytes(String tag) {
        return EventJson.toBytes(next(tag));
    }

    long lastSeq() {
        return seq;
    }

    private Event unsigned(String tag, long n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("load1", (n % 100) / 100.0);
        data.put("n", n);
        return new Event(probeId, tag, n, Instant.ofEpochMilli(1_790_000_000_000L + n).toString(), data, null);
    }
}
