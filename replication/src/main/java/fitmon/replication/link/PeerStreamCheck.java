package fitmon.replication.link;

import java.io.IOException;

/**
 * Follows what one replica's library sends another's, byte by byte, and stops a link whose bytes
 * the library would take for something it must not: on the connecting side a 4-byte process id
 * (which must be the id the peer's certificate names, or it could speak for another replica),
 * then two length-prefixed handshake blocks (Diffie-Hellman value, RSA signature), then frames of
 * a 4-byte length, the message, a MAC flag (0 or 1) and, after 1, a 16-byte HMAC-MD5. The library
 * allocates each frame at the length the peer declares before reading it; here a length above
 * the cap ends the link instead.
 */
final class PeerStreamCheck {

    /** A Diffie-Hellman value or an RSA signature: a few hundred bytes; 8 KiB covers 16384-bit keys. */
    static final int MAX_HANDSHAKE_BLOCK = 8192;
    private static final int MAC_BYTES = 16;

    /** Thrown for bytes that break the library's peer protocol; the link is closed. */
    static final class Violation extends IOException {
        Violation(String message) {
            super(message);
        }
    }

    private enum Part { ID, BLOCK1_LENGTH, BLOCK1, BLOCK2_LENGTH, BLOCK2, FRAME_LENGTH, FRAME, MAC_FLAG, MAC }

    private final int expectedId;
    private final int maxFrameBytes;
    private Part part;
    private int integer;
    private int integerBytes;
    private long remaining;

    private PeerStreamCheck(Part first, int expectedId, int maxFrameBytes) {
        this.part = first;
        this.expectedId = expectedId;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** What a replica that connects sends first: its id, then handshake and frames. */
    static PeerStreamCheck fromConnectingPeer(int expectedId, int maxFrameBytes) {
        return new PeerStreamCheck(Part.ID, expectedId, maxFrameBytes);
    }

    /** What the replica that accepted sends back: handshake and frames. */
    static PeerStreamCheck fromAcceptingPeer(int maxFrameBytes) {
        return new PeerStreamCheck(Part.BLOCK1_LENGTH, -1, maxFrameBytes);
    }

    /** True once both handshake blocks have passed: what the library reads without a timeout is complete. */
    boolean handshakeDone() {
        return part.ordinal() >= Part.FRAME_LENGTH.ordinal();
    }

    void accept(byte[] bytes, int offset, int length) throws Violation {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            switch (part) {
                case ID, BLOCK1_LENGTH, BLOCK2_LENGTH, FRAME_LENGTH -> {
                    integer = (integer << 8) | (bytes[i++] & 0xff);
                    if (++integerBytes == 4) {
                        integerComplete();
                    }
                }
                case MAC_FLAG -> {
                    int flag = bytes[i++];
                    if (flag == 1) {
                        part = Part.MAC;
                        remaining = MAC_BYTES;
                    } else if (flag == 0) {
                        part = Part.FRAME_LENGTH;
                    } else {
                        throw new Violation("a frame's MAC flag is " + flag + ", not 0 or 1");
                    }
                }
                default -> {
                    long step = Math.min(remaining, end - i);
                    i += (int) step;
                    remaining -= step;
                    if (remaining == 0) {
                        part = switch (part) {
                            case BLOCK1 -> Part.BLOCK2_LENGTH;
                            case BLOCK2, MAC -> Part.FRAME_LENGTH;
                            case FRAME -> Part.MAC_FLAG;
                            default -> throw new IllegalStateException("no body after " + part);
                        };
                    }
                }
            }
        }
    }

    private void integerComplete() throws Violation {
        int value = integer;
        integer = 0;
        integerBytes = 0;
        switch (part) {
            case ID -> {
                if (value != expectedId) {
                    throw new Violation("the peer with the certificate of replica " + expectedId
                            + " introduced itself as replica " + value);
                }
                part = Part.BLOCK1_LENGTH;
            }
            case BLOCK1_LENGTH, BLOCK2_LENGTH -> {
                if (value < 1 || value > MAX_HANDSHAKE_BLOCK) {
                    throw new Violation("a handshake block of " + value + " bytes (at most " + MAX_HANDSHAKE_BLOCK + ")");
                }
                part = part == Part.BLOCK1_LENGTH ? Part.BLOCK1 : Part.BLOCK2;
                remaining = value;
            }
            case FRAME_LENGTH -> {
                if (value < 0 || value > maxFrameBytes) {
                    throw new Violation("a frame of " + Integer.toUnsignedString(value) + " bytes (at most "
                            + maxFrameBytes + ")");
                }
                part = value == 0 ? Part.MAC_FLAG : Part.FRAME;
                remaining = value;
            }
            default -> throw new IllegalStateException("no integer in " + part);
        }
    }
}
