package fitmon.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireReaderWriterTest {

    @Test
    void everyTypeSurvivesARoundTrip() {
        byte[] blob = {0, 1, (byte) 0x80, (byte) 0xff};
        byte[] bytes = new WireWriter()
                .writeByte(0).writeByte(255).writeByte(0x7f)
                .writeBoolean(true).writeBoolean(false)
                .writeInt(0).writeInt(-1).writeInt(Integer.MIN_VALUE).writeInt(Integer.MAX_VALUE).writeInt(0x01020304)
                .writeLong(0).writeLong(-1).writeLong(Long.MIN_VALUE).writeLong(Long.MAX_VALUE).writeLong(0x0102030405060708L)
                .writeBytes(blob).writeBytes(new byte[0])
                .writeString("host.cpu").writeString("").writeString("\u20ac \u00e9 \ud83d\ude00 \u0000")
                .writeNullableString(null).writeNullableString("x").writeNullableString("")
                .toByteArray();
        WireReader r = new WireReader(bytes);
        assertThat(r.readByte()).isEqualTo(0);
        assertThat(r.readByte()).isEqualTo(255);
        assertThat(r.readByte()).isEqualTo(0x7f);
        assertThat(r.readBoolean()).isTrue();
        assertThat(r.readBoolean()).isFalse();
        assertThat(r.readInt()).isEqualTo(0);
        assertThat(r.readInt()).isEqualTo(-1);
        assertThat(r.readInt()).isEqualTo(Integer.MIN_VALUE);
        assertThat(r.readInt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(r.readInt()).isEqualTo(0x01020304);
        assertThat(r.readLong()).isEqualTo(0);
        assertThat(r.readLong()).isEqualTo(-1);
        assertThat(r.readLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(r.readLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.readLong()).isEqualTo(0x0102030405060708L);
        assertThat(r.readBytes(4)).containsExactly(blob);
        assertThat(r.readBytes(0)).isEmpty();
        assertThat(r.readString(100)).isEqualTo("host.cpu");
        assertThat(r.readString(0)).isEmpty();
        assertThat(r.readString(100)).isEqualTo("\u20ac \u00e9 \ud83d\ude00 \u0000");
        assertThat(r.readNullableString(10)).isNull();
        assertThat(r.readNullableString(10)).isEqualTo("x");
        assertThat(r.readNullableString(10)).isEmpty();
        assertThat(r.remaining()).isZero();
        r.expectEnd();
    }

    @Test
    void layoutIsBigEndianWithFourByteLengthPrefixes() {
        assertThat(new WireWriter().writeInt(0x01020304).toByteArray()).containsExactly(1, 2, 3, 4);
        assertThat(new WireWriter().writeLong(0x0102030405060708L).toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(new WireWriter().writeString("\u00e9").toByteArray()).containsExactly(0, 0, 0, 2, 0xC3, 0xA9);
        assertThat(new WireWriter().writeBoolean(true).writeBoolean(false).toByteArray()).containsExactly(1, 0);
        assertThat(new WireWriter().writeNullableString(null).toByteArray()).containsExactly(0);
        assertThat(new WireWriter().writeNullableString("a").toByteArray()).containsExactly(1, 0, 0, 0, 1, 'a');
        assertThat(new WireWriter().writeByte(0x1ff).toByteArray()).containsExactly(0xff);
    }

    @Test
    void writerGrowsPastItsInitialCapacityAndSizeTracksWrites() {
        WireWriter w = new WireWriter(1);
        byte[] big = new byte[100_000];
        new Random(7).nextBytes(big);
        w.writeByte(9).writeBytes(big).writeLong(42);
        assertThat(w.size()).isEqualTo(1 + 4 + big.length + 8);
        WireReader r = new WireReader(w.toByteArray());
        assertThat(r.readByte()).isEqualTo(9);
        assertThat(r.readBytes(big.length)).isEqualTo(big);
        assertThat(r.readLong()).isEqualTo(42);
        r.expectEnd();
    }

    @Test
    void toByteArrayIsACopy() {
        WireWriter w = new WireWriter().writeInt(5);
        byte[] first = w.toByteArray();
        first[3] = 99;
        assertThat(w.toByteArray()).containsExactly(0, 0, 0, 5);
    }

    @Test
    void readBytesCopiesOutOfTheInput() {
        byte[] input = new WireWriter().writeBytes(new byte[] {1, 2}).toByteArray();
        byte[] read = new WireReader(input).readBytes(2);
        input[4] = 77;
        assertThat(read).containsExactly(1, 2);
    }

    @Test
    void truncatedFixedWidthValuesAreFormatErrors() {
        assertThatThrownBy(() -> new WireReader(new byte[0]).readByte())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new WireReader(new byte[0]).readBoolean()).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> new WireReader(new byte[3]).readInt())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("int needs 4 bytes, 3 left");
        assertThatThrownBy(() -> new WireReader(new byte[7]).readLong())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("long needs 8 bytes, 7 left");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 0x7f, 0x80, 0xff})
    void booleanAcceptsOnlyZeroAndOne(int b) {
        WireReader r = new WireReader(new byte[] {(byte) b});
        assertThatThrownBy(r::readBoolean).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("boolean must be 0 or 1, got " + b);
    }

    @Test
    void nullableStringWithABadFlagIsAFormatError() {
        assertThatThrownBy(() -> new WireReader(new byte[] {2, 0, 0, 0, 0}).readNullableString(10))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void byteStringLengthsAreChecked() {
        byte[] negative = new WireWriter().writeInt(-1).toByteArray();
        assertThatThrownBy(() -> new WireReader(negative).readBytes(10))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("length -1 outside 0..10");
        byte[] minInt = new WireWriter().writeInt(Integer.MIN_VALUE).toByteArray();
        assertThatThrownBy(() -> new WireReader(minInt).readBytes(10)).isInstanceOf(WireFormatException.class);
        byte[] tooLong = new WireWriter().writeBytes(new byte[11]).toByteArray();
        assertThatThrownBy(() -> new WireReader(tooLong).readBytes(10))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("length 11 outside 0..10");
        assertThat(new WireReader(tooLong).readBytes(11)).hasSize(11);
        // claims more than is there: refused before allocating
        byte[] lying = new WireWriter().writeInt(Integer.MAX_VALUE).writeByte(1).toByteArray();
        assertThatThrownBy(() -> new WireReader(lying).readBytes(Integer.MAX_VALUE))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        byte[] short1 = new WireWriter().writeInt(3).writeByte(1).writeByte(2).toByteArray();
        assertThatThrownBy(() -> new WireReader(short1).readBytes(10))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("byte string needs 3 bytes, 2 left");
    }

    @Test
    void stringLimitIsInUtf8Bytes() {
        byte[] euro = new WireWriter().writeString("\u20ac").toByteArray(); // 3 bytes
        assertThatThrownBy(() -> new WireReader(euro).readString(2)).isInstanceOf(WireFormatException.class);
        assertThat(new WireReader(euro).readString(3)).isEqualTo("\u20ac");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "80",          // lone continuation byte
            "C3",          // truncated two-byte sequence
            "E2 82",       // truncated three-byte sequence
            "C0 80",       // overlong NUL
            "E0 80 AF",    // overlong '/'
            "ED A0 80",    // encoded surrogate U+D800 (CESU-8)
            "F4 90 80 80", // beyond U+10FFFF
            "FF",          // never valid
            "61 FE 62"     // valid, invalid, valid
    })
    void invalidUtf8IsRefused(String hex) {
        byte[] raw = hex(hex);
        byte[] bytes = new WireWriter().writeBytes(raw).toByteArray();
        assertThatThrownBy(() -> new WireReader(bytes).readString(100))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not valid UTF-8");
        // the same bytes are fine as a byte string
        assertThat(new WireReader(bytes).readBytes(100)).containsExactly(raw);
    }

    @Test
    void validMultiByteUtf8IsRead() {
        byte[] bytes = new WireWriter().writeBytes(hex("F0 9F 98 80 E2 82 AC")).toByteArray();
        assertThat(new WireReader(bytes).readString(100)).isEqualTo("\ud83d\ude00\u20ac");
        assertThat("\ud83d\ude00\u20ac".getBytes(StandardCharsets.UTF_8)).containsExactly(hex("F0 9F 98 80 E2 82 AC"));
    }

    @Test
    void readCountChecksTheMaximumAndWhatIsLeft() {
        assertThat(new WireReader(new WireWriter().writeInt(0).toByteArray()).readCount(10, 4)).isZero();
        // exactly fits: 3 items of at least 2 bytes with 6 bytes left
        assertThat(new WireReader(new WireWriter().writeInt(3).writeBytes(new byte[2]).toByteArray())
                .readCount(10, 2)).isEqualTo(3);
        assertThat(new WireReader(new WireWriter().writeInt(10).writeBytes(new byte[6]).toByteArray())
                .readCount(10, 1)).isEqualTo(10);

        byte[] negative = new WireWriter().writeInt(-1).toByteArray();
        assertThatThrownBy(() -> new WireReader(negative).readCount(10, 0))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("count -1 outside 0..10");
        byte[] overMax = new WireWriter().writeInt(11).writeBytes(new byte[100]).toByteArray();
        assertThatThrownBy(() -> new WireReader(overMax).readCount(10, 1))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("count 11 outside 0..10");
        byte[] tooFewBytes = new WireWriter().writeInt(4).writeByte(0).writeByte(0).writeByte(0).toByteArray();
        assertThatThrownBy(() -> new WireReader(tooFewBytes).readCount(10, 1))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds the remaining 3 bytes");
        // large counts times large item sizes must not overflow into acceptance
        byte[] overflow = new WireWriter().writeInt(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new WireReader(overflow).readCount(Integer.MAX_VALUE, Integer.MAX_VALUE))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> new WireReader(new byte[2]).readCount(10, 1)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void expectEndRefusesTrailingBytes() {
        WireReader r = new WireReader(new byte[] {1, 2, 3});
        r.readByte();
        assertThat(r.remaining()).isEqualTo(2);
        assertThatThrownBy(r::expectEnd).isInstanceOf(WireFormatException.class).hasMessageContaining("2 unexpected trailing bytes");
        r.readByte();
        r.readByte();
        r.expectEnd();
        new WireReader(new byte[0]).expectEnd();
    }

    private static byte[] hex(String spaced) {
        String[] parts = spaced.split(" ");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
