package fitmon.replication.link;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * How a process secures its links to the group.
 *
 * @param tls                  its certificate and the CA it trusts
 * @param handshakeTimeout     how long a connection may take to finish TLS and, between replicas, the
 *                             library's own handshake behind it, before it is closed
 * @param maxFrameBytes        the largest frame one replica may send another (state transfer carries a
 *                             whole snapshot in one)
 * @param clientAdmitted       which client certificates may reach the library's client port (replicas only)
 */
public record LinkSettings(LinkTls tls, Duration handshakeTimeout, int maxFrameBytes, Predicate<LinkIdentity> clientAdmitted) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** The deserialization filter's limit for a byte array: no larger frame could be read anyway. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;
    /** Connections still in their handshake, at once, per listener and per remote address. */
    static final int MAX_PENDING = 256;
    static final int MAX_PENDING_PER_ADDRESS = 16;

    public LinkSettings {
        if (tls == null) {
            throw new IllegalArgumentException("links need a TLS identity");
        }
        if (handshakeTimeout == null || handshakeTimeout.toMillis() < 100 || handshakeTimeout.toSeconds() > 120) {
            throw new IllegalArgumentException("the handshake timeout must be between 100 ms and 2 min, got " + handshakeTimeout);
        }
        if (maxFrameBytes < 64 * 1024) {
            throw new IllegalArgumentException("peer frames must be allowed at least 64 KiB, got " + maxFrameBytes);
        }
        if (clientAdmitted == null) {
            clientAdmitted = identity -> identity.role() == LinkIdentity.Role.GATEWAY;
        }
    }

    /** Defaults: gateways as clients, 5 s handshakes, 256 MiB frames. */
    public static LinkSettings of(LinkTls tls) {
        return new LinkSettings(tls, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_FRAME_BYTES, null);
    }

    public LinkSettings admittingClients(Predicate<LinkIdentity> admitted) {
        return new LinkSettings(tls, handshakeTimeout, maxFrameBytes, admitted);
    }
}
