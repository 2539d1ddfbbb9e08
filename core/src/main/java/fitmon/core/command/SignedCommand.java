package fitmon.core.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireReader;
import fitmon.core.wire.WireWriter;

/**
 * A command as a gateway submits it: the encoded command, the gateway's certificate from the
 * fitmon CA, a nonce unique per gateway, and the gateway's signature. Replicas refuse anything
 * else, so whoever reaches a replica's client port cannot act without a gateway key.
 *
 * @param certificate DER X.509 certificate of the submitting gateway
 * @param nonce       unique per gateway (a counter); replicas refuse a nonce seen before
 * @param command     the {@link CommandCodec} bytes
 * @param signature   Ed25519 signature over {@link #signingBytes}
 */
public record SignedCommand(byte[] certificate, long nonce, byte[] command, byte[] signature) {

    public static final int MAGIC = 0x53; // 'S'
    public static final int VERSION = 1;
    private static final byte[] DOMAIN = "fitmon-command-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_COMMAND_BYTES = 80 * 1024 * 1024;

    /** What the gateway signs: a domain tag, the certificate's SHA-256, the nonce and the command. */
    public static byte[] signingBytes(byte[] certificate, long nonce, byte[] command) {
        try {
            byte[] certificateHash = MessageDigest.getInstance("SHA-256").digest(certificate);
            return new WireWriter(command.length + 64).writeBytes(DOMAIN).writeBytes(certificateHash)
                    .writeLong(nonce).writeBytes(command).toByteArray();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public byte[] signingBytes() {
        return signingBytes(certificate, nonce, command);
    }

    public byte[] encode() {
        return new WireWriter(command.length + certificate.length + signature.length + 32)
                .writeByte(MAGIC).writeByte(VERSION).writeBytes(certificate).writeLong(nonce)
                .writeBytes(command).writeBytes(signature).toByteArray();
    }

    /** @throws WireFormatException for anything that is not a signed command */
    public static SignedCommand decode(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException("no command");
        }
        WireReader r = new WireReader(bytes);
        if (r.readByte() != MAGIC) {
            throw new WireFormatException("not a signed command (bad magic byte): commands must be signed by a gateway");
        }
        int version = r.readByte();
        if (version != VERSION) {
            throw new WireFormatException("unsupported signed command version " + version);
        }
        SignedCommand signed = new SignedCommand(r.readBytes(CommandCodec.MAX_CERTIFICATE_BYTES), r.readLong(),
                r.readBytes(MAX_COMMAND_BYTES), r.readBytes(1024));
        r.expectEnd();
        return signed;
    }
}
