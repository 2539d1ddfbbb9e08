package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;

import bftsmart.reconfiguration.views.View;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import org.junit.jupiter.api.Test;

/** The JEP 290 filter admits the library's messages and refuses anything else. */
class DeserializationFilterTest {

    /** A serializable type of ours, standing in for a gadget class a compromised replica might send. */
    record Foreign(String payload) implements Serializable {
    }

    @Test
    void aForeignClassIsRefused() {
        assertThatThrownBy(() -> read(serialize(new Foreign("gadget")))).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void aJdkClassOutsideTheListIsRefused() {
        ConcurrentSkipListSet<String> set = new ConcurrentSkipListSet<>();
        set.add("x");
        assertThatThrownBy(() -> read(serialize(set))).isInstanceOf(InvalidClassException.class);
    }

    @Test
    void aForeignClassNestedInAnAdmittedCollectionIsRefused() {
        Map<String, Object> map = new HashMap<>();
        map.put("k", new Foreign("gadget"));
        assertThatThrownBy(() -> read(serialize(map))).isInstanceOf(InvalidClassException.class);
    }

    @Test
    void libraryMessagesAndTheirJdkTypesAreAdmitted() throws Exception {
        View view = new View(0, new int[] {0, 1, 2, 3}, 1, new InetSocketAddress[] {
                new InetSocketAddress("127.0.0.1", 11000), new InetSocketAddress("127.0.0.1", 11010),
                new InetSocketAddress("127.0.0.1", 11020), new InetSocketAddress("127.0.0.1", 11030)});
        assertThat(read(serialize(view))).isInstanceOf(View.class);
        TOMMessage message = new TOMMessage(1001, 0, 7, 7, new byte[] {1, 2, 3}, 0, TOMMessageType.ORDERED_REQUEST);
        assertThat(read(serialize(message))).isInstanceOf(TOMMessage.class);
        assertThat(read(serialize(new byte[1024]))).isInstanceOf(byte[].class);
        // leader change carries signed collects
        java.security.KeyPair keys = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
        java.security.SignedObject signed = new java.security.SignedObject(new byte[] {1, 2},
                keys.getPrivate(), java.security.Signature.getInstance("SHA256withRSA"));
        assertThat(read(serialize(signed))).isInstanceOf(java.security.SignedObject.class);
    }

    @Test
    void depthIsLimited() {
        Object nested = "leaf";
        for (int i = 0; i < 40; i++) {
            HashMap<String, Object> wrapper = new HashMap<>();
            wrapper.put("n", nested);
            nested = wrapper;
        }
        Object deep = nested;
        assertThatThrownBy(() -> read(serialize(deep))).isInstanceOf(InvalidClassException.class);
    }

    /** A few bytes that declare a huge array would allocate it before reading one element. */
    @Test
    void anArrayDeclaringMoreElementsThanItsTypeMayHaveIsRefusedBeforeItIsAllocated() throws Exception {
        byte[] bytes = serialize(new long[] {7});
        int length = lengthOffset(bytes, 1);
        writeInt(bytes, length, DeserializationFilter.MAX_OTHER_ARRAY_ELEMENTS + 1);

        assertThatThrownBy(() -> read(bytes)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
        writeInt(bytes, length, 200_000_000);
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(InvalidClassException.class);
    }

    @Test
    void arraysWithinTheirLimitsAreAdmitted() throws Exception {
        long[] longs = new long[DeserializationFilter.MAX_OTHER_ARRAY_ELEMENTS];
        longs[longs.length - 1] = 42;
        assertThat((long[]) read(serialize(longs))).hasSize(longs.length).endsWith(42);
        assertThat((byte[]) read(serialize(new byte[DeserializationFilter.MAX_OTHER_ARRAY_ELEMENTS * 4]))).hasSize(
                DeserializationFilter.MAX_OTHER_ARRAY_ELEMENTS * 4);
        assertThat((Object[]) read(serialize(new Object[] {"a", 1L}))).containsExactly("a", 1L);
    }

    /** Where the 4-byte length of the serialized array holding {@code value} as its only element starts. */
    private static int lengthOffset(byte[] bytes, int value) {
        for (int i = bytes.length - 12; i >= 0; i--) {
            if (readInt(bytes, i) == value) {
                return i;
            }
        }
        throw new AssertionError("no array length in the stream");
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    @Test
    void installingTwiceIsHarmless() {
        DeserializationFilter.install();
        DeserializationFilter.install();
        assertThat(java.io.ObjectInputFilter.Config.getSerialFilter()).isSameAs(DeserializationFilter.filter());
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(DeserializationFilter.filter());
            return in.readObject();
        }
    }
}
