package fitmon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import fitmon.core.channel.ChannelClass;
import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandCodecTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Small commands of every type, with edge values; every prefix of each is tried. */
    static final List<BrokerCommand> SAMPLES = List.of(
            new CreateChannel("host.cpu", ChannelClass.BFT, 60, 5, 7, new ChannelRetention(100, 4096)),
            new CreateChannel("x", ChannelClass.CFT_O, Long.MAX_VALUE, Integer.MAX_VALUE, 0, new ChannelRetention(Integer.MAX_VALUE, Long.MAX_VALUE)),
            new CreateChannel("", ChannelClass.CFT_NO_NU, -1, Integer.MIN_VALUE, -7, new ChannelRetention(-1, Long.MIN_VALUE)),
            CreateChannel.withDefaults("net.rtt", ChannelClass.CFT_NO_U),
            new DeleteChannel("host.cpu"),
            new DeleteChannel(""),
            new RegisterProbe("host.cpu", new byte[] {0x30, 1, 2, 3}),
            new RegisterProbe("host.cpu", new byte[0]),
            new Subscribe("host.cpu", "console-1"),
            new Subscribe("caf\u00e9", "\ud83d\ude00 console"),
            new Unsubscribe("host.cpu", "console-1"),
            new Unsubscribe("t", ""),
            new Publish("host.cpu", List.of(utf8("{\"a\":1}"), new byte[0], new byte[] {(byte) 0xff, 0})),
            new Publish("host.cpu", List.of()),
            new Publish("t", List.of(utf8("{}"))),
            new Touch("net.rtt"),
            new Touch(""),
            new Tick(),
            new RevokeCertificate(new java.math.BigInteger("1f3a9c0d", 16), CertificateKind.PROBE, 1_790_000_000_000L, "key stolen"),
            new RevokeCertificate(java.math.BigInteger.ONE, CertificateKind.GATEWAY, Long.MAX_VALUE, ""),
            new RevokeCertificate(java.math.BigInteger.ONE.shiftLeft(159), CertificateKind.PROBE, Long.MIN_VALUE, "caf\u00e9"));

    /** Field-by-field equality, byte arrays by content. */
    static void assertSameCommand(BrokerCommand actual, BrokerCommand expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected instanceof CreateChannel e) {
            CreateChannel a = (CreateChannel) actual;
            assertThat(a.tag()).isEqualTo(e.tag());
            assertThat(a.channelClass()).isEqualTo(e.channelClass());
            assertThat(a.idleTimeoutSeconds()).isEqualTo(e.idleTimeoutSeconds());
            assertThat(a.maxProbes()).isEqualTo(e.maxProbes());
            assertThat(a.maxSubscribers()).isEqualTo(e.maxSubscribers());
            assertThat(a.retention().maxEvents()).isEqualTo(e.retention().maxEvents());
            assertThat(a.retention().maxBytes()).isEqualTo(e.retention().maxBytes());
            assertThat(a).isEqualTo(e);
        } else if (expected instanceof DeleteChannel e) {
            assertThat(((DeleteChannel) actual).tag()).isEqualTo(e.tag());
        } else if (expected instanceof RegisterProbe e) {
            RegisterProbe a = (RegisterProbe) actual;
            assertThat(a.tag()).isEqualTo(e.tag());
            assertThat(a.certificate()).containsExactly(e.certificate());
        } else if (expected instanceof Subscribe e) {
            assertThat(((Subscribe) actual).tag()).isEqualTo(e.tag());
            assertThat(((Subscribe) actual).subscriberId()).isEqualTo(e.subscriberId());
        } else if (expected instanceof Unsubscribe e) {
            assertThat(((Unsubscribe) actual).tag()).isEqualTo(e.tag());
            assertThat(((Unsubscribe) actual).subscriberId()).isEqualTo(e.subscriberId());
        } else if (expected instanceof Publish e) {
            Publish a = (Publish) actual;
            assertThat(a.tag()).isEqualTo(e.tag());
            assertThat(a.events()).hasSameSizeAs(e.events());
            for (int i = 0; i < e.events().size(); i++) {
                assertThat(a.events().get(i)).as("event %d", i).containsExactly(e.events().get(i));
            }
        } else if (expected instanceof Touch e) {
            assertThat(((Touch) actual).tag()).isEqualTo(e.tag());
        } else if (expected instanceof Tick) {
            assertThat(actual).isEqualTo(expected);
        } else if (expected instanceof RevokeCertificate) {
            assertThat(actual).isEqualTo(expected);
        } else {
            fail("no comparison for " + expected);
        }
    }

    @Test
    void everyCommandSurvivesARoundTrip() {
        for (BrokerCommand command : SAMPLES) {
            byte[] encoded = CommandCodec.encode(command);
            BrokerCommand back = CommandCodec.decode(encoded);
            assertSameCommand(back, command);
            assertThat(CommandCodec.encode(back)).as("%s", command).isEqualTo(encoded);
        }
    }

    @Test
    void everyCommandTypeIsSampled() {
        assertThat(SAMPLES).extracting(Object::getClass).map(Class::getSimpleName).containsAll(
                List.of("CreateChannel", "DeleteChannel", "RegisterProbe", "Subscribe", "Unsubscribe", "Publish", "Touch", "Tick",
                        "RevokeCertificate"));
        for (Class<?> type : BrokerCommand.class.getPermittedSubclasses()) {
            assertThat(SAMPLES).as("a sample of %s", type.getSimpleName()).anyMatch(type::isInstance);
        }
    }

    @ParameterizedTest
    @EnumSource(ChannelClass.class)
    void everyChannelClassSurvivesARoundTrip(ChannelClass c) {
        CreateChannel command = CreateChannel.withDefaults("t", c);
        assertSameCommand(CommandCodec.decode(CommandCodec.encode(command)), command);
    }

    @Test
    void theHeaderIsMagicVersionType() {
        assertThat(CommandCodec.encode(new Tick())).containsExactly(CommandCodec.MAGIC, CommandCodec.VERSION, 8);
        assertThat(CommandCodec.encode(new Touch("a"))).containsExactly(0x46, 1, 7, 0, 0, 0, 1, 'a');
        assertThat(CommandCodec.encode(new DeleteChannel("a"))).containsExactly(0x46, 1, 2, 0, 0, 0, 1, 'a');
    }

    @Test
    void publishedEventsAreCopiedAndTheListIsImmutable() {
        List<byte[]> events = new ArrayList<>(List.of(utf8("{}")));
        Publish p = new Publish("t", events);
        events.add(new byte[1]);
        assertThat(p.events()).hasSize(1);
        assertThatThrownBy(() -> p.events().add(new byte[0])).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void limitsAreInclusive() {
        String tag512 = "t".repeat(CommandCodec.MAX_TAG_BYTES);
        byte[] certificate = new byte[CommandCodec.MAX_CERTIFICATE_BYTES];
        byte[] event = new byte[CommandCodec.MAX_EVENT_BYTES];
        new Random(1).nextBytes(certificate);
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < CommandCodec.MAX_BATCH; i++) {
            batch.add(utf8("{\"i\":" + i + "}"));
        }
        for (BrokerCommand command : List.of(new DeleteChannel(tag512), new RegisterProbe(tag512, certificate),
                new Publish("t", List.of(event)), new Publish("t", batch), new Subscribe(tag512, tag512),
                new CreateChannel(tag512, ChannelClass.BFT, 1, 1, 1, ChannelRetention.DEFAULT))) {
            assertSameCommand(CommandCodec.decode(CommandCodec.encode(command)), command);
        }
        // a 512-byte limit counts UTF-8 bytes, not characters
        String euros = "\u20ac".repeat(170); // 510 bytes
        assertSameCommand(CommandCodec.decode(CommandCodec.encode(new Touch(euros))), new Touch(euros));
    }

    @Test
    void overLimitFieldsAreFormatErrors() {
        String tag513 = "t".repeat(CommandCodec.MAX_TAG_BYTES + 1);
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i <= CommandCodec.MAX_BATCH; i++) {
            batch.add(new byte[0]);
        }
        List<BrokerCommand> tooBig = List.of(
                new DeleteChannel(tag513),
                new Touch("\u20ac".repeat(171)), // 513 bytes
                new Subscribe("t", tag513),
                new RegisterProbe("t", new byte[CommandCodec.MAX_CERTIFICATE_BYTES + 1]),
                new Publish("t", List.of(new byte[CommandCodec.MAX_EVENT_BYTES + 1])),
                new Publish("t", batch));
        for (BrokerCommand command : tooBig.subList(0, 3)) {
            assertThatThrownBy(() -> CommandCodec.decode(CommandCodec.encode(command))).as("%s", command.getClass().getSimpleName())
                    .isInstanceOf(WireFormatException.class).hasMessageContaining("outside 0..512");
        }
        assertThatThrownBy(() -> CommandCodec.decode(CommandCodec.encode(tooBig.get(3))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("outside 0.." + CommandCodec.MAX_CERTIFICATE_BYTES);
        assertThatThrownBy(() -> CommandCodec.decode(CommandCodec.encode(tooBig.get(4))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("outside 0.." + CommandCodec.MAX_EVENT_BYTES);
        assertThatThrownBy(() -> CommandCodec.decode(CommandCodec.encode(tooBig.get(5))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("count 1001 outside 0..1000");
    }

    @Test
    void everyTruncationIsAFormatError() {
        for (BrokerCommand command : SAMPLES) {
            byte[] full = CommandCodec.encode(command);
            for (int length = 0; length < full.length; length++) {
                byte[] prefix = Arrays.copyOf(full, length);
                assertThatThrownBy(() -> CommandCodec.decode(prefix)).as("%s cut at %d of %d", command, length, full.length)
                        .isExactlyInstanceOf(WireFormatException.class);
            }
        }
    }

    @Test
    void headerIsChecked() {
        assertThatThrownBy(() -> CommandCodec.decode(null)).isInstanceOf(WireFormatException.class).hasMessageContaining("no command");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[0])).isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        for (int magic = 0; magic < 256; magic++) {
            if (magic == CommandCodec.MAGIC) {
                continue;
            }
            byte[] bytes = {(byte) magic, 1, 8};
            assertThatThrownBy(() -> CommandCodec.decode(bytes)).isInstanceOf(WireFormatException.class).hasMessageContaining("bad magic");
        }
        for (int version : new int[] {0, 2, 0x46, 255}) {
            assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x46, (byte) version, 8})).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unsupported command version " + version);
        }
        for (int type : new int[] {0, 10, 11, 0x7f, 0x80, 255}) {
            assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x46, 1, (byte) type})).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unknown command type " + type);
        }
        // a signed command is not a bare command
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {0x53, 1, 0})).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void trailingBytesAreRefused() {
        for (BrokerCommand command : SAMPLES) {
            byte[] full = CommandCodec.encode(command);
            for (int extra = 1; extra <= 4; extra++) {
                byte[] longer = Arrays.copyOf(full, full.length + extra);
                int n = extra;
                assertThatThrownBy(() -> CommandCodec.decode(longer)).as("%s + %d", command, extra)
                        .isInstanceOf(WireFormatException.class).hasMessageContaining(n + " unexpected trailing bytes");
            }
        }
    }

    @Test
    void aRevocationNamesAPositiveSerialInItsShortestEncodingAndAKnownKind() {
        byte[][] serials = {{}, {0}, {(byte) 0xff}, {0, 1}, {0, 0, (byte) 0x80}, new byte[CommandCodec.MAX_SERIAL_BYTES + 1]};
        for (byte[] serial : serials) {
            byte[] bytes = new WireWriter().writeByte(0x46).writeByte(1).writeByte(9).writeBytes(serial).writeString("PROBE")
                    .writeLong(0).writeString("").toByteArray();
            assertThatThrownBy(() -> CommandCodec.decode(bytes)).as("serial %s", HexFormat.of().formatHex(serial))
                    .isInstanceOf(WireFormatException.class);
        }
        byte[] unknownKind = new WireWriter().writeByte(0x46).writeByte(1).writeByte(9).writeBytes(new byte[] {1})
                .writeString("CONSOLE").writeLong(0).writeString("").toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(unknownKind)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown certificate kind CONSOLE");
        byte[] longReason = CommandCodec.encode(new RevokeCertificate(java.math.BigInteger.TEN, CertificateKind.PROBE, 0,
                "r".repeat(CommandCodec.MAX_REASON_BYTES + 1)));
        assertThatThrownBy(() -> CommandCodec.decode(longReason)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("outside 0.." + CommandCodec.MAX_REASON_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"XYZ", "bft", "BFT ", "", "CFT_NO"})
    void anUnknownChannelClassIsRefused(String className) {
        byte[] bytes = new WireWriter().writeByte(0x46).writeByte(1).writeByte(1).writeString("t").writeString(className)
                .writeLong(0).writeInt(1).writeInt(1).writeInt(1).writeLong(1).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(bytes)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown channel class " + className);
    }

    @Test
    void batchCountsAreBounded() {
        for (int count : new int[] {CommandCodec.MAX_BATCH + 1, 1_000_001, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            byte[] bytes = new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("t").writeInt(count).toByteArray();
            assertThatThrownBy(() -> CommandCodec.decode(bytes)).as("count %d", count).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("count " + count + " outside 0..1000");
        }
        // a plausible count with too few bytes behind it is refused before any event is read
        byte[] lying = new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("t").writeInt(1000)
                .writeBytes(new byte[0]).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(lying)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("exceeds the remaining");
    }

    @Test
    void negativeLengthsAreRefused() {
        List<byte[]> inputs = List.of(
                // tag length
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(2).writeInt(-5).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(1).writeInt(Integer.MIN_VALUE).toByteArray(),
                // channel class length
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(1).writeString("t").writeInt(-1).toByteArray(),
                // certificate length
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(3).writeString("t").writeInt(-1).toByteArray(),
                // subscriber length
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(4).writeString("t").writeInt(-2).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(5).writeString("t").writeInt(-3).toByteArray(),
                // event length
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(6).writeString("t").writeInt(1).writeInt(-1).toByteArray(),
                new WireWriter().writeByte(0x46).writeByte(1).writeByte(7).writeInt(-1).toByteArray());
        for (byte[] input : inputs) {
            assertThatThrownBy(() -> CommandCodec.decode(input)).as(HexFormat.of().formatHex(input))
                    .isInstanceOf(WireFormatException.class).hasMessageContaining("outside 0..");
        }
    }

    @Test
    void invalidUtf8IsAFormatError() {
        byte[] tag = new WireWriter().writeByte(0x46).writeByte(1).writeByte(2).writeBytes(new byte[] {(byte) 0xC3}).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(tag)).isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
        byte[] subscriber = new WireWriter().writeByte(0x46).writeByte(1).writeByte(4).writeString("t")
                .writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).toByteArray();
        assertThatThrownBy(() -> CommandCodec.decode(subscriber)).isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void randomBytesNeverFailOtherwise() {
        Random random = new Random(20261123);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length > 2 && random.nextBoolean()) {
                bytes[0] = 0x46;
                bytes[1] = 1;
                bytes[2] = (byte) random.nextInt(10);
            }
            decodeOrFormatError(bytes);
        }
    }

    @Test
    void mutatedEncodingsNeverFailOtherwise() {
        Random random = new Random(8785);
        for (BrokerCommand command : SAMPLES) {
            byte[] full = CommandCodec.encode(command);
            for (int i = 0; i < 2_000; i++) {
                byte[] mutated = full.clone();
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                decodeOrFormatError(mutated);
                // and a mutation of a random prefix or extension
                byte[] resized = Arrays.copyOf(mutated, Math.max(0, full.length + random.nextInt(9) - 4));
                decodeOrFormatError(resized);
            }
            // every single-byte value at every position
            for (int position = 0; position < full.length; position++) {
                for (int value = 0; value < 256; value += 17) {
                    byte[] mutated = full.clone();
                    mutated[position] = (byte) value;
                    decodeOrFormatError(mutated);
                }
            }
        }
    }

    /**
     * The only failure allowed is a {@link WireFormatException}; and whatever decodes must be exactly
     * what {@link CommandCodec#encode} makes of it, or two byte strings would carry one command.
     */
    static void decodeOrFormatError(byte[] bytes) {
        BrokerCommand command;
        try {
            command = CommandCodec.decode(bytes);
        } catch (WireFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("decode(" + HexFormat.of().formatHex(bytes) + ") failed with " + e, e);
        }
        assertThat(command).isNotNull();
        assertThat(CommandCodec.encode(command)).as(HexFormat.of().formatHex(bytes)).isEqualTo(bytes);
    }
}
