package fitmon.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import fitmon.core.wire.WireFormatException;
import fitmon.core.wire.WireWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResultCodecTest {

    private static final int MAX_DETAIL_BYTES = 4096;

    static final List<CommandResult> SAMPLES = List.of(
            new CommandResult.Accepted("channel created"),
            new CommandResult.Accepted(""),
            new CommandResult.Accepted("caf\u00e9 \ud83d\ude00"),
            new CommandResult.Rejected(RejectReason.CHANNEL_EXISTS, "channel host.cpu exists"),
            new CommandResult.Rejected(RejectReason.MALFORMED_COMMAND, ""),
            new CommandResult.Published(List.of()),
            new CommandResult.Published(List.of(new EventOutcome.Appended(7, 1_790_000_000_000L))),
            new CommandResult.Published(List.of(new EventOutcome.Queued("web-01", 3))),
            new CommandResult.Published(List.of(new EventOutcome.Refused(RejectReason.SIGNATURE_INVALID, "bad"))),
            new CommandResult.Published(List.of(
                    new EventOutcome.Appended(Long.MAX_VALUE, Long.MIN_VALUE),
                    new EventOutcome.Queued("", -1),
                    new EventOutcome.Refused(RejectReason.SEQ_NOT_INCREASING, "seq 3 after 5"),
                    new EventOutcome.Appended(0, 0),
                    new EventOutcome.Queued("p".repeat(128), 9_007_199_254_740_991L),
                    new EventOutcome.Refused(RejectReason.MALFORMED_EVENT, ""))));

    private static CommandResult roundTrip(CommandResult r) {
        byte[] encoded = ResultCodec.encode(r);
        CommandResult back = ResultCodec.decode(encoded);
        assertThat(ResultCodec.encode(back)).isEqualTo(encoded);
        return back;
    }

    @Test
    void samplesSurviveARoundTrip() {
        for (CommandResult r : SAMPLES) {
            assertThat(roundTrip(r)).as("%s", r).isEqualTo(r);
        }
    }

    @ParameterizedTest
    @EnumSource(RejectReason.class)
    void everyRejectReasonSurvivesARoundTrip(RejectReason reason) {
        CommandResult rejected = new CommandResult.Rejected(reason, "because " + reason);
        assertThat(roundTrip(rejected)).isEqualTo(rejected);
        CommandResult refused = new CommandResult.Published(List.of(new EventOutcome.Refused(reason, "event: " + reason)));
        assertThat(roundTrip(refused)).isEqualTo(refused);
    }

    @Test
    void aFullBatchOfOutcomesSurvivesARoundTrip() {
        List<EventOutcome> outcomes = new ArrayList<>();
        RejectReason[] reasons = RejectReason.values();
        for (int i = 0; i < CommandCodec.MAX_BATCH; i++) {
            outcomes.add(switch (i % 3) {
                case 0 -> new EventOutcome.Appended(i, 1_790_000_000_000L + i);
                case 1 -> new EventOutcome.Queued("probe-" + i, i);
                default -> new EventOutcome.Refused(reasons[i % reasons.length], "detail " + i);
            });
        }
        CommandResult published = new CommandResult.Published(outcomes);
        CommandResult back = roundTrip(published);
        assertThat(back).isEqualTo(published);
        assertThat(((CommandResult.Published) back).outcomes()).containsExactlyElementsOf(outcomes);
    }

    @Test
    void publishedOutcomesAreAnImmutableCopy() {
        List<EventOutcome> outcomes = new ArrayList<>(List.of(new EventOutcome.Appended(1, 2)));
        CommandResult.Published p = new CommandResult.Published(outcomes);
        outcomes.add(new EventOutcome.Appended(3, 4));
        assertThat(p.outcomes()).hasSize(1);
        assertThatThrownBy(() -> p.outcomes().add(new EventOutcome.Appended(5, 6))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void encodingIsDeterministicAndDistinguishesResults() {
        for (CommandResult r : SAMPLES) {
            assertThat(ResultCodec.encode(r)).isEqualTo(ResultCodec.encode(r));
        }
        assertThat(ResultCodec.encode(new CommandResult.Accepted("a"))).isNotEqualTo(ResultCodec.encode(new CommandResult.Accepted("b")));
        assertThat(ResultCodec.encode(new CommandResult.Rejected(RejectReason.INVALID_TAG, "x")))
                .isNotEqualTo(ResultCodec.encode(new CommandResult.Rejected(RejectReason.INVALID_LIMITS, "x")));
        assertThat(ResultCodec.encode(new CommandResult.Accepted("ok"))).containsExactly(1, 0, 0, 0, 2, 'o', 'k');
    }

    @Test
    void everyTruncationIsAFormatError() {
        for (CommandResult r : SAMPLES) {
            byte[] full = ResultCodec.encode(r);
            for (int length = 0; length < full.length; length++) {
                byte[] prefix = Arrays.copyOf(full, length);
                assertThatThrownBy(() -> ResultCodec.decode(prefix)).as("%s cut at %d", r, length)
                        .isExactlyInstanceOf(WireFormatException.class);
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        for (CommandResult r : SAMPLES) {
            byte[] longer = Arrays.copyOf(ResultCodec.encode(r), ResultCodec.encode(r).length + 1);
            assertThatThrownBy(() -> ResultCodec.decode(longer)).as("%s", r).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("1 unexpected trailing bytes");
        }
    }

    @Test
    void malformedResultsAreFormatErrors() {
        assertThatThrownBy(() -> ResultCodec.decode(null)).isInstanceOf(WireFormatException.class).hasMessageContaining("no result");
        assertThatThrownBy(() -> ResultCodec.decode(new byte[0])).isInstanceOf(WireFormatException.class);
        for (int type : new int[] {0, 4, 0x46, 255}) {
            byte[] bytes = new WireWriter().writeByte(type).writeString("x").toByteArray();
            assertThatThrownBy(() -> ResultCodec.decode(bytes)).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unknown result type");
        }
        for (String name : new String[] {"NOPE", "malformed_event", "", "MALFORMED_EVENT "}) {
            byte[] rejected = new WireWriter().writeByte(2).writeString(name).writeString("d").toByteArray();
            assertThatThrownBy(() -> ResultCodec.decode(rejected)).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unknown reject reason " + name);
            byte[] refused = new WireWriter().writeByte(3).writeInt(1).writeByte(3).writeString(name).writeString("d").toByteArray();
            assertThatThrownBy(() -> ResultCodec.decode(refused)).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unknown reject reason");
        }
        for (int kind : new int[] {0, 4, 255}) {
            byte[] outcome = new WireWriter().writeByte(3).writeInt(1).writeByte(kind).writeLong(1).writeLong(2).toByteArray();
            assertThatThrownBy(() -> ResultCodec.decode(outcome)).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("unknown event outcome");
        }
        for (int count : new int[] {-1, CommandCodec.MAX_BATCH + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            byte[] bytes = new WireWriter().writeByte(3).writeInt(count).toByteArray();
            assertThatThrownBy(() -> ResultCodec.decode(bytes)).as("count %d", count).isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("outside 0..1000");
        }
        byte[] negativeDetail = new WireWriter().writeByte(1).writeInt(-1).toByteArray();
        assertThatThrownBy(() -> ResultCodec.decode(negativeDetail)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("outside 0..4096");
        byte[] badUtf8 = new WireWriter().writeByte(1).writeBytes(new byte[] {(byte) 0xff}).toByteArray();
        assertThatThrownBy(() -> ResultCodec.decode(badUtf8)).isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void overlongDetailsAreCutSoTheReplyStillDecodes() {
        String huge = "\u00e9".repeat(5000);
        CommandResult r = roundTrip(new CommandResult.Rejected(RejectReason.MALFORMED_EVENT, huge));
        String detail = ((CommandResult.Rejected) r).detail();
        assertThat(detail).endsWith("...").startsWith("\u00e9\u00e9");
        assertThat(detail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX_DETAIL_BYTES);
        assertThat(detail.substring(0, detail.length() - 3)).matches("\u00e9+");
    }

    @Test
    void detailsUpToTheLimitAreKeptWhole() {
        String exact = "d".repeat(MAX_DETAIL_BYTES);
        assertThat(ResultCodec.bounded(exact)).isSameAs(exact);
        assertThat(roundTrip(new CommandResult.Accepted(exact))).isEqualTo(new CommandResult.Accepted(exact));
        String over = "d".repeat(MAX_DETAIL_BYTES + 1);
        assertThat(ResultCodec.bounded(over)).hasSize(MAX_DETAIL_BYTES).endsWith("...").startsWith("ddd");
    }

    @Test
    void cutsFallOnCharacterBoundaries() {
        // four-byte characters, with an ASCII offset of 0..3 so that the cut meets every position inside one
        for (int offset = 0; offset < 4; offset++) {
            String detail = "a".repeat(offset) + "\ud83d\ude00".repeat(1500);
            String cut = ResultCodec.bounded(detail);
            byte[] utf8 = cut.getBytes(StandardCharsets.UTF_8);
            assertThat(utf8.length).as("offset %d", offset).isLessThanOrEqualTo(MAX_DETAIL_BYTES).isGreaterThan(MAX_DETAIL_BYTES - 8);
            assertThat(cut).endsWith("...").doesNotContain("\ufffd");
            assertThat(detail).startsWith(cut.substring(0, cut.length() - 3));
            // the encoded reply decodes; Refused details are bounded too
            CommandResult refused = new CommandResult.Published(List.of(new EventOutcome.Refused(RejectReason.MALFORMED_EVENT, detail)));
            CommandResult back = ResultCodec.decode(ResultCodec.encode(refused));
            assertThat(((EventOutcome.Refused) ((CommandResult.Published) back).outcomes().get(0)).detail()).isEqualTo(cut);
        }
    }

    @Test
    void randomAndMutatedBytesNeverFailOtherwise() {
        Random random = new Random(9457);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(48)];
            random.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = (byte) (1 + random.nextInt(3));
            }
            decodeOrFormatError(bytes);
        }
        for (CommandResult r : SAMPLES) {
            byte[] full = ResultCodec.encode(r);
            for (int i = 0; i < 1_000; i++) {
                byte[] mutated = full.clone();
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                decodeOrFormatError(mutated);
            }
        }
    }

    private static void decodeOrFormatError(byte[] bytes) {
        CommandResult result;
        try {
            result = ResultCodec.decode(bytes);
        } catch (WireFormatException expected) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("decode(" + HexFormat.of().formatHex(bytes) + ") failed with " + e, e);
        }
        assertThat(result).isNotNull();
        assertThat(ResultCodec.encode(result)).as(HexFormat.of().formatHex(bytes)).isEqualTo(bytes);
    }
}
