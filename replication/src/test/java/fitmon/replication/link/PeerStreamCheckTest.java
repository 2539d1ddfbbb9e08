package fitmon.replication.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class PeerStreamCheckTest {

    private static final int MAX = 1 << 20;

    @Test
    void aWellFormedStreamPassesInAnySlicingAndTheHandshakeEndIsSeen() throws IOException {
        byte[] stream = stream(7, 130, 256, new int[] {100, 0, 5000}, true);
        for (int slice : new int[] {1, 3, 17, stream.length}) {
            PeerStreamCheck check = PeerStreamCheck.fromConnectingPeer(7, MAX);
            for (int i = 0; i < stream.length; i += slice) {
                check.accept(stream, i, Math.min(slice, stream.length - i));
            }
            assertThat(check.handshakeDone()).isTrue();
        }
        PeerStreamCheck partial = PeerStreamCheck.fromConnectingPeer(7, MAX);
        partial.accept(stream, 0, 4 + 4 + 130 + 4 + 255);
        assertThat(partial.handshakeDone()).isFalse();
    }

    @Test
    void anotherIdOversizedBlocksAndFramesAndABadMacFlagAreViolations() throws IOException {
        assertThatThrownBy(() -> feed(PeerStreamCheck.fromConnectingPeer(2, MAX), stream(1, 10, 10, new int[0], true)))
                .isInstanceOf(PeerStreamCheck.Violation.class).hasMessageContaining("introduced itself as replica 1");
        assertThatThrownBy(() -> feed(PeerStreamCheck.fromAcceptingPeer(MAX), stream(-1, 9000, 10, new int[0], true)))
                .hasMessageContaining("handshake block of 9000");
        assertThatThrownBy(() -> feed(PeerStreamCheck.fromAcceptingPeer(MAX), stream(-1, 10, 10, new int[] {MAX + 1}, true)))
                .hasMessageContaining("frame of " + (MAX + 1));
        byte[] negative = stream(-1, 10, 10, new int[0], true);
        byte[] withNegative = concat(negative, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
        assertThatThrownBy(() -> feed(PeerStreamCheck.fromAcceptingPeer(MAX), withNegative)).hasMessageContaining("frame of");
        byte[] badFlag = concat(stream(-1, 10, 10, new int[0], true), new byte[] {0, 0, 0, 1, 42, 7});
        assertThatThrownBy(() -> feed(PeerStreamCheck.fromAcceptingPeer(MAX), badFlag)).hasMessageContaining("MAC flag is 7");
    }

    private static void feed(PeerStreamCheck check, byte[] bytes) throws IOException {
        check.accept(bytes, 0, bytes.length);
    }

    /** id (-1: none), two handshake blocks, then frames, alternately with and without a MAC. */
    private static byte[] stream(int id, int block1, int block2, int[] frames, boolean macs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        if (id >= 0) {
            out.writeInt(id);
        }
        out.writeInt(block1);
        out.write(new byte[Math.min(block1, 10_000)]);
        out.writeInt(block2);
        out.write(new byte[Math.min(block2, 10_000)]);
        boolean mac = macs;
        for (int frame : frames) {
            out.writeInt(frame);
            if (frame <= MAX) {
                out.write(new byte[frame]);
                out.writeByte(mac ? 1 : 0);
                if (mac) {
                    out.write(new byte[16]);
                }
            }
            mac = !mac;
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
