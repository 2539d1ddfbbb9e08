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
            try {
                exchangeShares(out, in, new BigInteger(1024, new SecureRandom()).toByteArray(), replicaKey);
            } catch (SocketTimeoutException | EOFException | GeneralSecurityException e) {
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

    /**
     * A link set up as a replica holding this private key would: the Diffie-Hellman share is
     * derived from the RSA private key as the library does it, so both sides compute the same
     * secret and the MAC key from it. Messages sent on it pass the replica's MAC check, as a
     * compromised replica's would.
     */
    AuthenticatedLink openAuthenticated(String host, int peerPort, PublicKey replicaKey, int patienceMillis)
            throws IOException, GeneralSecurityException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, peerPort), 5000);
            socket.setSoTimeout(patienceMillis);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            BigInteger secretExponent = new BigInteger(privateKey.getEncoded());
            byte[] theirShare = exchangeShares(out, in, DH_G.modPow(secretExponent, DH_P).toByteArray(), replicaKey);
            BigInteger secret = new BigInteger(theirShare).modPow(secretExponent, DH_P);
            javax.crypto.SecretKey macKey = javax.crypto.SecretKeyFactory.getInstance("PBEWithMD5AndDES")
                    .generateSecret(new javax.crypto.spec.PBEKeySpec(secret.toString().toCharArray()));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacMD5");
            mac.init(macKey);
            // Whatever the replica sends us is read and dropped, so that its sender never blocks on us.
            Thread drain = new Thread(() -> {
                byte[] sink = new byte[8192];
                try {
                    socket.setSoTimeout(0);
                    while (in.read(sink) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // link closed
                }
            }, "rogue-drain-" + peerPort);
            drain.setDaemon(true);
            drain.start();
            return new AuthenticatedLink(socket, out, mac);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** One authenticated link to a replica: frames of {@code int length, bytes, 1, HmacMD5(bytes)}. */
    static final class AuthenticatedLink implements AutoCloseable {
        private final Socket socket;
        private final DataOutputStream out;
        private final javax.crypto.Mac mac;

        private AuthenticatedLink(Socket socket, DataOutputStream out, javax.crypto.Mac mac) {
            this.socket = socket;
            this.out = out;
            this.mac = mac;
        }

        /** Sends one serialized object with its MAC; throws once the replica dropped the link. */
        void send(byte[] serializedObject) throws IOException {
            out.writeInt(serializedObject.length);
            out.write(serializedObject);
            out.writeByte(1);
            out.write(mac.doFinal(serializedObject));
            out.flush();
        }

        boolean open() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The library's default Diffie-Hellman group (RFC 2409, Oakley group 2), as our replicas leave it. */
    private static final BigInteger DH_P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
            + "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
            + "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16);
    private static final BigInteger DH_G = BigInteger.TWO;

    /**
     * The link's opening: our claimed id, our share and its signature; then the replica's share,
     * returned once its signature verifies with the replica's public key.
     */
    private byte[] exchangeShares(DataOutputStream out, DataInputStream in, byte[] share, PublicKey replicaKey)
            throws IOException, GeneralSecurityException {
        out.writeInt(claimedId);
        byte[] signature = sign(share);
        out.writeInt(share.length);
        out.write(share);
        out.writeInt(signature.length);
        out.write(signature);
        out.flush();
        byte[] theirShare = readBlock(in);
        byte[] theirSignature = readBlock(in);
        if (!verify(replicaKey, theirShare, theirSignature)) {
            throw new GeneralSecurityException("the replica did not authenticate itself");
        }
        return theirShare;
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
