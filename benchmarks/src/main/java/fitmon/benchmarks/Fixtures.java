package fitmon.benchmarks;

import java.security.KeyPair;
import java.security.interfaces.EdECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.CanonicalJson;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.event.EventSignature;
import fitmon.core.pki.CertificateAuthority;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Realistic events, probes and keys shared by the benchmarks. Setup-time code only. */
final class Fixtures {

    /** Probe timestamps start here (the DESIGN.md example) and advance 10 ms per event. */
    static final Instant FIRST_TS = Instant.parse("2026-11-23T02:31:45.123Z");

    private Fixtures() {
    }

    /**
     * The {@code data} of a host metrics event: five numeric fields, varied per event so the
     * number formatting of JCS sees realistic values.
     */
    static String dataJson(long i) {
        double load1 = (i % 400) / 100.0 + 0.01;
        double load5 = (i % 300) / 100.0 + 0.02;
        double load15 = (i % 200) / 100.0 + 0.03;
        double cpu = (i % 1000) / 10.0 + 0.5;
        long mem = 3_221_225_472L + (i % 4096) * 4096;
        return String.format(Locale.ROOT,
                "{\"load1\":%.2f,\"load5\":%.2f,\"load15\":%.2f,\"cpuPercent\":%.1f,\"memUsedBytes\":%d}",
                load1, load5, load15, cpu, mem);
    }

    /** An unsigned event; {@code i} varies the data and the timestamp. */
    static Event event(String probeId, String tag, long seq, long i) {
        String ts = FIRST_TS.plusMillis(10 * i).toString();
        return new Event(probeId, tag, seq, ts, EventJson.readTree(dataJson(i)), null);
    }

    /** The DESIGN.md example envelope (web-01, host.cpu, seq 17) with five numeric fields. */
    static Event exampleEvent() {
        return new Event("web-01", "host.cpu", 17, "2026-11-23T02:31:45.123Z",
                EventJson.readTree("{\"load1\":0.42,\"load5\":0.38,\"load15\":0.35,"
                        + "\"cpuPercent\":17.3,\"memUsedBytes\":3221225472}"), null);
    }

    /**
     * Ed25519-signs an event with BouncyCastle. Ed25519 signatures are deterministic (RFC 8032), so
     * this gives the same bytes as {@link MessageSigner} (JDK provider), only faster to pre-sign
     * large pools.
     */
    static Event signEd25519(Event event, Ed25519PrivateKeyParameters key) {
        byte[] message = CanonicalJson.signingBytes(event);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return event.withSignature(EventSignature.of(SignatureAlgorithm.ED25519.envelopeName(),
                signer.generateSignature()));
    }

    /** A probe with an Ed25519 key and a certificate from the CA. */
    record Probe(String id, KeyPair keys, Ed25519PrivateKeyParameters bcKey, byte[] certificate) {

        static Probe create(CertificateAuthority ca, String id) {
            KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
            byte[] seed = ((EdECPrivateKey) keys.getPrivate()).getBytes()
                    .orElseThrow(() -> new IllegalStateException("Ed25519 private key without its seed"));
            Instant now = Instant.now();
            try {
                byte[] der = ca.issueProbeCertificate(id, keys.getPublic(), now.minus(Duration.ofHours(1)),
                        now.plus(Duration.ofDays(3650))).getEncoded();
                return new Probe(id, keys, new Ed25519PrivateKeyParameters(seed, 0), der);
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }

        Event signed(Event event) {
            return signEd25519(event, bcKey);
        }
    }
}
