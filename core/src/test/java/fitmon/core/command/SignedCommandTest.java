package fitmon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireWriter;
import org.junit.jupiter.api.Test;

class SignedCommandTest {

    private static final KeyPair GATEWAY = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
    private static final byte[] CERTIFICATE = {0x30, 1, 2};

    @Test
    void aSignedCommandCarriesTheCommandAndAVerifiableSignature() throws Exception {
        CommandSigner signer = new CommandSigner(CERTIFICATE, GATEWAY.getPrivate());
        Subscribe command = new Subscribe("host.cpu", "console-1");
        byte[] encoded = signer.sign(command);
        SignedCommand signed = SignedCommand.decode(encoded);
        assertThat(signed.certificate()).containsExactly(CERTIFICATE);
        CommandCodecTest.assertSameCommand(CommandCodec.decode(signed.command()), command);
        assertThat(signed.encode()).isEqualTo(encoded);
        assertThat(signed.signature()).hasSize(64);
        VerificationKey key = VerificationKey.of(GATEWAY.getPublic());
        assertThat(key.verify(SignatureAlgorithm.ED25519, signed.signingBytes(), signed.signature())).isTrue();
        // the signature covers the nonce, the certificate and the command
        assertThat(key.verify(SignatureAlgorithm.ED25519,
                SignedCommand.signingBytes(signed.certificate(), signed.nonce() + 1, signed.command()), signed.signature())).isFalse();
        assertThat(key.verify(SignatureAlgorithm.ED25519,
                SignedCommand.signingBytes(new byte[] {0x30, 1, 3}, signed.nonce(), signed.command()), signed.signature())).isFalse();
        assertThat(key.verify(SignatureAlgorithm.ED25519,
                SignedCommand.signingBytes(signed.certificate(), signed.nonce(), CommandCodec.encode(new Tick())), signed.signature()))
                .isFalse();
    }

    @Test
    void noncesStrictlyIncrease() {
        CommandSigner signer = new CommandSigner(CERTIFICATE, GATEWAY.getPrivate());
        long previous = SignedCommand.decode(signer.sign(new Tick())).nonce();
        assertThat(previous).isPositive();
        for (int i = 0; i < 100; i++) {
            long nonce = SignedCommand.decode(signer.sign(CommandCodec.encode(new Tick()))).nonce();
            assertThat(nonce).isGreaterThan(previous);
            previous = nonce;
        }
    }

    @Test
    void theSignerKeepsItsOwnCopyOfTheCertificate() {
        byte[] certificate = CERTIFICATE.clone();
        CommandSigner signer = new CommandSigner(certificate, GATEWAY.getPrivate());
        certificate[0] = 0;
        assertThat(SignedCommand.decode(signer.sign(new Tick())).certificate()).containsExactly(CERTIFICATE);
    }

    @Test
    void onlyEd25519GatewayKeysSign() {
        KeyPair ec = MessageSigner.generateKeyPair(SignatureAlgorithm.ES256);
        assertThatThrownBy(() -> new CommandSigner(CERTIFICATE, ec.getPrivate())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signingBytesAreDomainSeparatedAndUnambiguous() {
        byte[] command = CommandCodec.encode(new Tick());
        assertThat(SignedCommand.signingBytes(CERTIFICATE, 1, command)).isNotEqualTo(command);
        // moving a byte from the certificate to the command changes the signed bytes
        assertThat(SignedCommand.signingBytes(new byte[] {1, 2}, 1, new byte[] {3}))
                .isNotEqualTo(SignedCommand.signingBytes(new byte[] {1}, 1, new byte[] {2, 3}));
    }

    @Test
    void malformedSignedCommandsAreFormatErrors() {
        byte[] encoded = new CommandSigner(CERTIFICATE, GATEWAY.getPrivate()).sign(new Tick());
        assertThatThrownBy(() -> SignedCommand.decode(null)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SignedCommand.decode(CommandCodec.encode(new Tick()))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("must be signed by a gateway");
        byte[] version = encoded.clone();
        version[1] = 2;
        assertThatThrownBy(() -> SignedCommand.decode(version)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unsupported signed command version 2");
        assertThatThrownBy(() -> SignedCommand.decode(Arrays.copyOf(encoded, encoded.length + 1)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("trailing");
        for (int length = 0; length < encoded.length; length++) {
            byte[] prefix = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> SignedCommand.decode(prefix)).as("cut at %d", length)
                    .isExactlyInstanceOf(WireFormatException.class);
        }
        byte[] bigSignature = new WireWriter().writeByte(SignedCommand.MAGIC).writeByte(SignedCommand.VERSION)
                .writeBytes(CERTIFICATE).writeLong(1).writeBytes(CommandCodec.encode(new Tick())).writeBytes(new byte[1025]).toByteArray();
        assertThatThrownBy(() -> SignedCommand.decode(bigSignature)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("outside 0..1024");
        byte[] bigCertificate = new WireWriter().writeByte(SignedCommand.MAGIC).writeByte(SignedCommand.VERSION)
                .writeBytes(new byte[CommandCodec.MAX_CERTIFICATE_BYTES + 1]).toByteArray();
        assertThatThrownBy(() -> SignedCommand.decode(bigCertificate)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("outside 0.." + CommandCodec.MAX_CERTIFICATE_BYTES);
    }

    @Test
    void mutatedSignedCommandsNeverFailOtherwise() {
        byte[] encoded = new CommandSigner(CERTIFICATE, GATEWAY.getPrivate()).sign(new Publish("t", java.util.List.of(new byte[3])));
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] mutated = encoded.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            try {
                SignedCommand decoded = SignedCommand.decode(mutated);
                assertThat(decoded.encode()).isEqualTo(mutated);
            } catch (WireFormatException expected) {
                // the only failure allowed
            } catch (RuntimeException e) {
                throw new AssertionError("decode(" + HexFormat.of().formatHex(mutated) + ") failed with " + e, e);
            }
        }
    }
}
