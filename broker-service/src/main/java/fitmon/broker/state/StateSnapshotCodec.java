package fitmon.broker.state;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CertificateKind;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CreateChannel;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireReader;
import fitmon.core.wire.WireWriter;

/**
 * Canonical binary image of the agreed state: channels by TAG, registrations by probe id,
 * subscriptions by subscriber id, logs by sequence, gateway nonces by gateway, revoked
 * certificates by serial. The digest is the SHA-256 of these bytes, so the encoding must never
 * depend on anything but the state itself.
 *
 * <p>Versions, by their leading magic: {@code FSM1} has no revoked set; {@code FSM2} is
 * {@code FSM1} followed by it. A state whose revoked set is empty is written as {@code FSM1}, byte
 * for byte what builds before revocation wrote, so digests and snapshots stay comparable across an
 * upgrade until the first revocation; both are read, so snapshots and journals written before
 * restore.
 */
final class StateSnapshotCodec {

    private static final int MAGIC = 0x46534d31; // "FSM1"
    private static final int MAGIC_WITH_REVOCATIONS = 0x46534d32; // "FSM2"
    private static final int MAX_STRING = 4096;
    private static final int MAX_BLOB = 1 << 20;

    record Image(long appliedCommands, long consensusTimeMillis, List<Channel> channels,
                 java.util.TreeMap<String, ReplayWindow> gatewayNonces,
                 java.util.TreeMap<BigInteger, RevokedCertificate> revoked) {
    }

    private StateSnapshotCodec() {
    }

    static byte[] write(long appliedCommands, long consensusTimeMillis, Collection<Channel> channels,
                        java.util.SortedMap<String, ReplayWindow> gatewayNonces,
                        java.util.SortedMap<BigInteger, RevokedCertificate> revoked) {
        WireWriter w = new WireWriter(estimatedSize(channels));
        w.writeInt(revoked.isEmpty() ? MAGIC : MAGIC_WITH_REVOCATIONS).writeLong(appliedCommands).writeLong(consensusTimeMillis).writeInt(channels.size());
        for (Channel c : channels) {
            CreateChannel spec = c.spec;
            w.writeString(spec.tag()).writeString(spec.channelClass().name()).writeLong(spec.idleTimeoutSeconds())
                    .writeInt(spec.maxProbes()).writeInt(spec.maxSubscribers())
                    .writeInt(spec.retention().maxEvents()).writeLong(spec.retention().maxBytes())
                    .writeLong(c.createdAtMillis).writeLong(c.lastActivityMillis).writeLong(c.lastChannelSeq);
            w.writeInt(c.probes.size());
            for (ProbeRegistration p : c.probes.values()) {
                w.writeString(p.probeId).writeBytes(p.key.spki()).writeBytes(p.certificateSerial.toByteArray())
                        .writeLong(p.notAfterMillis).writeLong(p.lastSeq);
            }
            w.writeInt(c.subscribers.size());
            for (Map.Entry<String, SubscriptionStatus> s : c.subscribers.entrySet()) {
                w.writeString(s.getKey()).writeString(s.getValue().name());
            }
            w.writeInt(c.log.size());
            for (LoggedEvent e : c.log.entries()) {
                w.writeLong(e.channelSeq()).writeLong(e.orderedAtMillis()).writeString(e.probeId()).writeLong(e.seq())
                        .writeBytes(e.envelope());
            }
        }
        w.writeInt(gatewayNonces.size());
        for (Map.Entry<String, ReplayWindow> g : gatewayNonces.entrySet()) {
            w.writeString(g.getKey()).writeLong(g.getValue().highest).writeInt(g.getValue().seen.size());
            for (long nonce : g.getValue().seen) {
                w.writeLong(nonce);
            }
        }
        if (!revoked.isEmpty()) {
            w.writeInt(revoked.size());
            for (RevokedCertificate c : revoked.values()) {
                w.writeBytes(c.serial().toByteArray()).writeString(c.kind().name()).writeLong(c.notAfterMillis())
                        .writeLong(c.revokedAtMillis()).writeString(c.reason());
            }
        }
        return w.toByteArray();
    }

    /**
     * Room for the whole snapshot at once: growing by doubling from a small buffer would copy a large
     * state several times and hold about three times its size at the peak, at every checkpoint.
     */
    private static int estimatedSize(Collection<Channel> channels) {
        long size = 64 * 1024;
        for (Channel c : channels) {
            size += 256 + c.probes.size() * 256L + c.subscribers.size() * 160L;
            size += c.log.bytes() + c.log.size() * (32L + 4 + 64);
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 64);
    }

    static Image read(byte[] bytes) {
        WireReader r = new WireReader(bytes);
        int magic = r.readInt();
        if (magic != MAGIC && magic != MAGIC_WITH_REVOCATIONS) {
            throw new WireFormatException("not a fitmon state snapshot");
        }
        long applied = r.readLong();
        long time = r.readLong();
        int channelCount = r.readCount(Integer.MAX_VALUE, 1);
        List<Channel> channels = new ArrayList<>(channelCount);
        for (int i = 0; i < channelCount; i++) {
            String tag = r.readString(MAX_STRING);
            ChannelClass channelClass = ChannelClass.fromName(r.readString(MAX_STRING));
            if (channelClass == null) {
                throw new WireFormatException("unknown channel class in snapshot");
            }
            CreateChannel spec = new CreateChannel(tag, channelClass, r.readLong(), r.readInt(), r.readInt(),
                    new ChannelRetention(r.readInt(), r.readLong()));
            Channel channel = new Channel(spec, r.readLong());
            channel.lastActivityMillis = r.readLong();
            channel.lastChannelSeq = r.readLong();
            int probes = r.readCount(Integer.MAX_VALUE, 1);
            for (int p = 0; p < probes; p++) {
                String probeId = r.readString(MAX_STRING);
                VerificationKey key;
                try {
                    key = VerificationKey.fromSpki(r.readBytes(MAX_BLOB));
                } catch (GeneralSecurityException e) {
                    throw new WireFormatException("snapshot holds an unusable key for probe " + probeId);
                }
                BigInteger serial = new BigInteger(r.readBytes(MAX_STRING));
                channel.probes.put(probeId, new ProbeRegistration(probeId, key, serial, r.readLong(), r.readLong()));
            }
            int subscribers = r.readCount(Integer.MAX_VALUE, 1);
            for (int s = 0; s < subscribers; s++) {
                String id = r.readString(MAX_STRING);
                channel.subscribers.put(id, SubscriptionStatus.valueOf(r.readString(MAX_STRING)));
            }
            int events = r.readCount(Integer.MAX_VALUE, 1);
            for (int e = 0; e < events; e++) {
                // Re-append without trimming: the image already respects retention.
                channel.log.append(new LoggedEvent(r.readLong(), r.readLong(), r.readString(MAX_STRING), r.readLong(),
                        r.readBytes(MAX_BLOB)), Integer.MAX_VALUE, Long.MAX_VALUE);
            }
            channels.add(channel);
        }
        java.util.TreeMap<String, ReplayWindow> gatewayNonces = new java.util.TreeMap<>();
        int gateways = r.readCount(Integer.MAX_VALUE, 1);
        for (int g = 0; g < gateways; g++) {
            String name = r.readString(MAX_STRING);
            ReplayWindow window = new ReplayWindow();
            window.highest = r.readLong();
            int seen = r.readCount(Integer.MAX_VALUE, 8);
            for (int i = 0; i < seen; i++) {
                window.seen.add(r.readLong());
            }
            gatewayNonces.put(name, window);
        }
        java.util.TreeMap<BigInteger, RevokedCertificate> revoked = new java.util.TreeMap<>();
        if (magic == MAGIC_WITH_REVOCATIONS) {
            int count = r.readCount(Integer.MAX_VALUE, 1);
            for (int i = 0; i < count; i++) {
                byte[] serialBytes = r.readBytes(MAX_STRING);
                BigInteger serial = serialBytes.length == 0 ? BigInteger.ZERO : new BigInteger(serialBytes);
                CertificateKind kind = CertificateKind.fromName(r.readString(MAX_STRING));
                if (kind == null || serial.signum() <= 0) {
                    throw new WireFormatException("snapshot holds an unusable revoked certificate");
                }
                revoked.put(serial, new RevokedCertificate(serial, kind, r.readLong(), r.readLong(), r.readString(MAX_STRING)));
            }
        }
        r.expectEnd();
        return new Image(applied, time, channels, gatewayNonces, revoked);
    }
}
