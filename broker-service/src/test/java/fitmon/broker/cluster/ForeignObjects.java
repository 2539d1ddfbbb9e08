package fitmon.broker.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Java-serialized objects no replica or client should ever deserialize. */
final class ForeignObjects {

    private ForeignObjects() {
    }

    /**
     * The shape of the well-known URLDNS gadget: a map keyed by a {@code java.net.URL}, whose
     * hash code resolves the host while the map is rebuilt. The map type is admitted, the URL is not.
     */
    static byte[] mapKeyedByUrl() {
        try {
            Map<Object, Object> map = new HashMap<>();
            map.put(URI.create("http://fitmon.invalid/").toURL(), "x");
            return serialize((Serializable) map);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Arrays nested deeper than the filter's depth limit, each level an admitted type. */
    static byte[] deeplyNestedArrays(int depth) {
        Object[] root = new Object[1];
        Object[] current = root;
        for (int i = 1; i < depth; i++) {
            Object[] next = new Object[1];
            current[0] = next;
            current = next;
        }
        return serialize(root);
    }

    private static byte[] serialize(Serializable object) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
