package fitmon.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Reads ustar/pax archives entry by entry: enough to look into image tarballs and their layers. */
final class Tar {

    private Tar() {
    }

    /**
     * Names of every entry, with the content of those {@code keep} selects (others map to null).
     * PAX long names are honoured.
     */
    static Map<String, byte[]> read(InputStream in, Predicate<String> keep) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String longName = null;
        while (true) {
            byte[] header = in.readNBytes(512);
            if (header.length < 512 || header[0] == 0) {
                return entries;
            }
            String name = longName != null ? longName : text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (longName == null && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            longName = null;
            long size = Long.parseLong(text(header, 124, 12).trim().isEmpty() ? "0" : text(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            byte[] content = null;
            if (type == 'x' || type == 'L' || keep.test(strip(name))) {
                content = in.readNBytes((int) size);
            } else {
                in.skipNBytes(size);
            }
            in.skipNBytes((512 - size % 512) % 512);
            if (type == 'x') {
                longName = paxPath(new String(content, StandardCharsets.UTF_8));
            } else if (type == 'L') {
                longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
            } else if (type != 'g') {
                entries.put(strip(name), content);
            }
        }
    }

    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String strip(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.startsWith("/") ? n.substring(1) : n;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
