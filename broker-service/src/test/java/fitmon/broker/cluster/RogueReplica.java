package fitmon.broker.cluster;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import bftsmart.tom.core.messages.TOMMessage;

/**
 * Stands in for one replica on a client's list and answers every request with a given
 * Java-serialized object as the reply content. The client's library proxy hands every reply's
 * content to {@code ObjectInputStream} (to spot a new group view), so this is what a compromised
 * replica could make every client deserialize. Frames as the library writes them (read in its
 * sources): {@code int length, signed flag, message, MAC}, the MAC an HmacSHA1 under a key
 * derived from the public string "clientId:replicaId".
 */
final class RogueReplica implements AutoCloseable {

    private static final String HMAC = "HmacSHA1";

    private final int replicaId;
    private final byte[] replyContent;
    private final ServerSocket server;
    private final AtomicInteger answered = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RogueReplica(int replicaId, int port, byte[] replyContent) throws IOException {
        this.replicaId = replicaId;
        this.replyContent = replyContent.clone();
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "rogue-replica-" + replicaId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Requests answered so far. */
    int answered() {
        return answered.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread reader = new Thread(() -> serve(socket), "rogue-replica-" + replicaId + "-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            int macLength = Mac.getInstance(HMAC).getMacLength();
            while (true) {
                int length = in.readInt();
                byte signed = in.readByte();
                byte[] message = new byte[length - 1 - macLength];
                in.readFully(message);
                in.skipNBytes(macLength);
                if (signed != 0) {
                    throw new IOException("signed requests are not expected");
                }
                TOMMessage request = new TOMMessage();
                request.rExternal(new DataInputStream(new ByteArrayInputStream(message)));
                TOMMessage reply = new TOMMessage(replicaId, request.getSession(), request.getSequence(),
                        request.getOperationId(), replyContent, request.getViewID(), request.getReqType());
                byte[] replyBytes = TOMMessage.messageToBytes(reply);
                byte[] mac = mac(request.getSender(), replyBytes);
                out.writeInt(1 + replyBytes.length + mac.length);
                out.writeByte(0);
                out.write(replyBytes);
                out.write(mac);
                out.flush();
                answered.incrementAndGet();
            }
        } catch (IOException | ClassNotFoundException | GeneralSecurityException e) {
            // the client went away or sent something else: drop the connection
        }
    }

    private byte[] mac(int clientId, byte[] data) throws GeneralSecurityException {
        SecretKey key = SecretKeyFactory.getInstance("PBEWithMD5AndDES")
                .generateSecret(new PBEKeySpec((clientId + ":" + replicaId).toCharArray()));
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        return mac.doFinal(data);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
        acceptor.join(5000);
    }
}
