package fitmon.core.command;

import java.security.PrivateKey;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;

/**
 * A gateway's side of {@link SignedCommand}: its certificate, its Ed25519 key and a nonce
 * counter. The counter starts from the clock in microseconds so that a restarted gateway does not
 * reuse nonces replicas have already seen. Thread-safe.
 */
public final class CommandSigner {

    private final byte[] certificate;
    private final MessageSigner signer;
    private final AtomicLong nonce = new AtomicLong(System.currentTimeMillis() * 1000);

    public CommandSigner(byte[] certificate, PrivateKey ed25519Key) {
        this.certificate = certificate.clone();
        this.signer = new MessageSigner(SignatureAlgorithm.ED25519, ed25519Key);
    }

    /** Wraps encoded command bytes into an encoded signed command. */
    public byte[] sign(byte[] command) {
        long n = nonce.incrementAndGet();
        return new SignedCommand(certificate, n, command, signer.sign(SignedCommand.signingBytes(certificate, n, command))).encode();
    }

    public byte[] sign(BrokerCommand command) {
        return sign(CommandCodec.encode(command));
    }
}
