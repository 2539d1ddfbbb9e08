package fitmon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import fitmon.core.channel.ChannelClass;
import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireWriter;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    private static final List<BrokerCommand> SAMPLES = List.of(
            new CreateChannel("host.cpu", ChannelClass.BFT, 60, 5, 7, new ChannelRetention(100, 4096)),
            CreateChannel.withDefaults("net.rtt", ChannelClass.CFT_NO_U),
            new DeleteChannel("host.cpu"),
            new RegisterProbe("host.cpu", new byte[] {0x30, 1, 2, 3}),
            new Subscribe("host.cpu", "console-1"),
            new Unsubscribe("host.cpu", "console-1"),
            new Publish("host.cpu", List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8), new byte[0])),
            new Touch("net.rtt"),
            new Tick());

    @Test
    void everyCommandSurvivesARoundTrip() {
        for (BrokerCommand command : SAMPLES) {
            BrokerCommand back = CommandCodec.decode(CommandCodec.encode(command));
            assertThat(CommandCodec.encode(back)).as("%s", command).isEqualTo(CommandCodec.encode(command));
            assertThat(back.getClass()).isEqualTo(command.getClass());
        }
        RegisterProbe r = (RegisterProbe) CommandCodec.decode(CommandCodec.encode(SAMPLES.get(3)));
        assertThat(r.certificate()).containsExactly(0x30, 1, 2, 3);
        assertThat(CommandCodec.decode(CommandCodec.encode(SAMPLES.get(0)))).isEqualTo(SAMPLES.get(0));
    }

    @Test
    void everyTruncationIsAFormatError() {
        for (BrokerCommand command : SAMPLES) {
            byte[] full = CommandCodec.encode(command);
            for (int length = 0; length < full.length; length++) {
                byte[] prefix = Arrays.copyOf(full, length);
                assertThatThrownBy(() -> CommandCodec.decode(prefix)).as("%s cut at %d", command, length)
                        .isInstanceOf(WireFormatException.class);
            }
        }
    }

    @Test
    void headerAndTrailerAreChecked() {
        byte[] tick = CommandCodec.encode(new Tick());
        assertThatThrownBy(() -> CommandCodec.decode(null)).hasMessageContaining("no command");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x47, 1, 8})).hasMessageContaining("magic");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x46, 9, 8})).hasMessageContaining("version 9");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x46, 1, 99})).hasMessageContaining("unknown command type 99");
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(tick, tick.length + 1))).hasMessageContaining("trailing");
        byte[] badClass = new WireWriter().writeByte(0x46).writeByte(1).writeByte(1).writeString("t").writeString("XYZ").toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(badClass)).hasMessageContaining("unknown channel class XYZ");
        byte[] hugeBatch = new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("t").writeInt(1_000_001).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(hugeBatch)).hasMessageContaining("outside 0..1000");
        byte[] negative = new WireWriter().writeByte(0x46).writeByte(1).writeByte(2).writeInt(-5).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(negative)).hasMessageContaining("outside");
    }

    @Test
    void randomBytesAndMutationsNeverFailOtherwise() {
        Random random = new Random(20261123);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length > 2 && random.nextBoolean()) {
                bytes[0] = 0x46;
                bytes[1] = 1;
                bytes[2] = (byte) (1 + random.nextInt(8));
            }
            decodeOrFormatError(bytes);
        }
        for (BrokerCommand command : SAMPLES) {
            byte[] full = CommandCodec.encode(command);
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = full.clone();
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                decodeOrFormatError(mutated);
            }
        }
    }

    private static void decodeOrFormatError(byte[] bytes) {
        try {
            assertThat(CommandCodec.decode(bytes)).isNotNull();
        } catch (WireFormatException expected) {
            // the only failure allowed
        }
    }

    @Test
    void resultsSurviveARoundTrip() {
        for (RejectReason reason : RejectReason.values()) {
            CommandResult r = new CommandResult.Rejected(reason, "because " + reason);
            assertThat(ResultCodec.decode(ResultCodec.encode(r))).isEqualTo(r);
        }
        CommandResult published = new CommandResult.Published(List.of(new EventOutcome.Appended(7, 1_790_000_000_000L),
                new EventOutcome.Queued("web-01", 3), new EventOutcome.Refused(RejectReason.SIGNATURE_INVALID, "bad")));
        byte[] encoded = ResultCodec.encode(published);
        assertThat(ResultCodec.decode(encoded)).isEqualTo(published);
        CommandResult accepted = new CommandResult.Accepted("channel created");
        assertThat(ResultCodec.decode(ResultCodec.encode(accepted))).isEqualTo(accepted);
        for (int length = 0; length < encoded.length; length++) {
            byte[] prefix = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> ResultCodec.decode(prefix)).isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void overlongDetailsAreCutSoTheReplyStillDecodes() {
        String huge = "é".repeat(5000);
        CommandResult r = ResultCodec.decode(ResultCodec.encode(new CommandResult.Rejected(RejectReason.MALFORMED_EVENT, huge)));
        String detail = ((CommandResult.Rejected) r).detail();
        assertThat(detail).endsWith("...").startsWith("éé");
        assertThat(detail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    }

    @Test
    void signedCommandsRoundTripAndEveryTruncationIsAFormatError() {
        java.security.KeyPair keys = fitmon.core.crypto.MessageSigner.generateKeyPair(fitmon.core.crypto.SignatureAlgorithm.ED25519);
        byte[] encoded = new CommandSigner(new byte[] {0x30, 1, 2}, keys.getPrivate()).sign(new Tick());
        SignedCommand signed = SignedCommand.decode(encoded);
        assertThat(signed.certificate()).containsExactly(0x30, 1, 2);
        assertThat(CommandCodec.decode(signed.command())).isInstanceOf(Tick.class);
        assertThat(signed.encode()).isEqualTo(encoded);
        assertThat(SignedCommand.signingBytes(signed.certificate(), signed.nonce() + 1, signed.command()))
                .isNotEqualTo(signed.signingBytes());
        for (int length = 0; length < encoded.length; length++) {
            byte[] prefix = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> SignedCommand.decode(prefix)).isInstanceOf(WireFormatException.class);
        }
        assertThatThrownBy(() -> SignedCommand.decode(CommandCodec.encode(new Tick())))
                .hasMessageContaining("must be signed by a gateway");
    }

    @Test
    void invalidUtf8IsAFormatError() {
        byte[] bytes = new WireWriter().writeByte(0x46).writeByte(1).writeByte(2).writeBytes(new byte[] {(byte) 0xC3}).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(bytes)).hasMessageContaining("UTF-8");
    }
}
