package fitmon.broker.state;

import java.math.BigInteger;

import fitmon.core.crypto.VerificationKey;

/** A probe registered to one channel: its certified key and the last SEQ accepted from it. */
final class ProbeRegistration {

    final String probeId;
    final VerificationKey key;
    final BigInteger certificateSerial;
    final long notAfterMillis;
    long lastSeq;

    ProbeRegistration(String probeId, VerificationKey key, BigInteger certificateSerial, long notAfterMillis, long lastSeq) {
        this.probeId = probeId;
        this.key = key;
        this.certificateSerial = certificateSerial;
        this.notAfterMillis = notAfterMillis;
        this.lastSeq = lastSeq;
    }
}
