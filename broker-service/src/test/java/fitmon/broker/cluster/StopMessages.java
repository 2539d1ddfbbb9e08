package fitmon.broker.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import bftsmart.tom.leaderchange.LCMessage;
import bftsmart.tom.util.TOMUtil;

/**
 * Leader-change STOP messages as a replica sends them on a peer link, built from the library's
 * own message classes: a serialized {@link LCMessage} whose payload is a flag and a batch of the
 * requests the sender could not get ordered (the library's batch layout: timestamp, nonce count,
 * request count, then each request's length and bytes).
 */
final class StopMessages {

    private StopMessages() {
    }

    /** A STOP for {@code regency} carrying {@code requests} made-up requests of one client, each of {@code size} bytes. */
    static byte[] stopWithFreshRequests(int sender, int regency, int client, int requests, int size) {
        byte[][] encoded = new byte[requests][];
        int total = 0;
        for (int i = 0; i < requests; i++) {
            TOMMessage request = new TOMMessage(client, 0, i, i, new byte[size], 0, TOMMessageType.ORDERED_REQUEST);
            encoded[i] = TOMMessage.messageToBytes(request);
            total += 4 + encoded[i].length;
        }
        ByteBuffer batch = ByteBuffer.allocate(8 + 4 + 4 + total);
        batch.putLong(0L).putInt(0).putInt(requests);
        for (byte[] request : encoded) {
            batch.putInt(request.length).put(request);
        }
        try {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(payload)) {
                out.writeBoolean(true);
                out.writeObject(batch.array());
            }
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(message)) {
                out.writeObject(new LCMessage(sender, TOMUtil.STOP, regency, payload.toByteArray()));
            }
            return message.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
