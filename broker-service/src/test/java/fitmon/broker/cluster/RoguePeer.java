package fitmon.broker.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * Poses as a replica on another replica's peer port (client port + 1), the way a compromised
 * replica holding its own private key could. The link is set up as the library does it (read in
 * its sources): the connecting side sends its id, then each side sends a Diffie-Hellman share
 * and an RSA signature (SHA1withRSA) over it, checked with the public key configured for the
 * other's id. Then frames of {@code int length, bytes, MAC flag}; a frame without MAC is read
 * without MAC check and handed to {@code ObjectInputStream}.
 */
final class RoguePeer {

    /** What happened on one link. */
    record Outcome(boolean handshakeAccepted, boolean closedByReplica) {
    }

    private final int claimedId;
    private final PrivateKey privateKey;

    RoguePeer(int claimedId, PrivateKey privateKey) {
        this.claimedId = claimedId;
        this.privateKey = privateKey;
    }

    /**
     * Sets up a link to a replica and sends one serialized object on it.
     *
     * @param replicaKey the target replica's public key, to check that it authenticated itself
     * @param patience   how long to wait for the handshake and then for the replica to drop the link
     */
    Outcome send(String host, int peerPort, PublicKey replicaKey, byte[] serializedObject, int patienceMillis)
            throws IOException, GeneralSecurityException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, peerPort), 5000);
            socket.setSoTimeout(patienceMillis);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.writeInt(claimedId);
            byte[] share = new BigInteger(1024, new SecureRandom()).toByteArray();
            byte[] signature = sign(share);
            out.writeInt(share.length);
            out.write(share);
            out.writeInt(signature.length);
            out.write(signature);
            out.flush();
            byte[] theirShare;
            byte[] theirSignature;
            try {
                theirShare = readBlock(in);
                theirSignature = readBlock(in);
            } catch (SocketTimeoutException | EOFException e) {
                return new Outcome(false, false);
            }
            if (!verify(replicaKey, theirShare, theirSignature)) {
                return new Outcome(false, false);
            }
            out.writeInt(serializedObject.length);
            out.write(serializedObject);
            out.writeByte(0);
            out.flush();
            // The replica may still send consensus traffic on the link; read until it drops it.
            byte[] sink = new byte[8192];
            try {
                while (in.read(sink) >= 0) {
                    // discard
                }
                return new Outcome(true, true);
            } catch (SocketTimeoutException e) {
                return new Outcome(true, false);
            } catch (IOException reset) {
                return new Outcome(true, true);
            }
        }
    }

    private byte[] sign(byte[] data) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("SHA1withRSA");
        signer.initSign(privateKey);
        signer.update(data);
        return signer.sign();
    }

    private static boolean verify(PublicKey key, byte[] data, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("SHA1withRSA");
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
    }

    static PrivateKey readPrivateKey(java.nio.file.Path pem) throws IOException, GeneralSecurityException {
        return java.security.KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(pemBody(pem)));
    }

    static PublicKey readPublicKey(java.nio.file.Path pem) throws IOException, GeneralSecurityException {
        return java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.X509EncodedKeySpec(pemBody(pem)));
    }

    private static byte[] pemBody(java.nio.file.Path pem) throws IOException {
        String body = java.nio.file.Files.readString(pem).replaceAll("-----[A-Z ]+-----", "");
        return java.util.Base64.getMimeDecoder().decode(body);
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 1 << 16) {
            throw new IOException("unexpected handshake block of " + length + " bytes");
        }
        byte[] block = new byte[length];
        in.readFully(block);
        return block;
    }
}
