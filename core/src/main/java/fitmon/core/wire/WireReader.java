package fitmon.core.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link WireWriter} wrote, checking every length against what is left so that hostile
 * input fails with a {@link WireFormatException} and never with an allocation or index error.
 */
public final class WireReader {

    private final byte[] data;
    private int position;

    public WireReader(byte[] data) {
        this.data = data;
    }

    public int readByte() {
        require(1, "byte");
        return data[position++] & 0xff;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new WireFormatException("boolean must be 0 or 1, got " + b);
        }
        return b == 1;
    }

    public int readInt() {
        require(4, "int");
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (data[position++] & 0xff);
        }
        return value;
    }

    public long readLong() {
        require(8, "long");
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (data[position++] & 0xff);
        }
        return value;
    }

    /** A count of items that follow, each at least {@code minItemBytes} long. */
    public int readCount(int max, int minItemBytes) {
        int count = readInt();
        if (count < 0 || count > max) {
            throw new WireFormatException("count " + count + " outside 0.." + max);
        }
        if ((long) count * minItemBytes > remaining()) {
            throw new WireFormatException("count " + count + " exceeds the remaining " + remaining() + " bytes");
        }
        return count;
    }

    public byte[] readBytes(int maxLength) {
        int length = readInt();
        if (length < 0 || length > maxLength) {
            throw new WireFormatException("length " + length + " outside 0.." + maxLength);
        }
        require(length, "byte string");
        byte[] value = new byte[length];
        System.arraycopy(data, position, value, 0, length);
        position += length;
        return value;
    }

    public String readString(int maxBytes) {
        byte[] bytes = readBytes(maxBytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException("string is not valid UTF-8");
        }
    }

    public String readNullableString(int maxBytes) {
        return readBoolean() ? readString(maxBytes) : null;
    }

    public int remaining() {
        return data.length - position;
    }

    /** Fails unless every byte was consumed: trailing garbage is an error, not padding. */
    public void expectEnd() {
        if (remaining() != 0) {
            throw new WireFormatException(remaining() + " unexpected trailing bytes");
        }
    }

    private void require(int n, String what) {
        if (remaining() < n) {
            throw new WireFormatException("truncated input: " + what + " needs " + n + " bytes, " + remaining() + " left");
        }
    }
}
