package fitmon.registry.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal PEM: DER in and out of labelled base64 blocks. */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private Pem() {
    }

    public record Block(String label, byte[] der) {
    }

    public static String encode(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }

    /** Every block in the text, in order; none when the text holds no PEM. */
    public static List<Block> decodeAll(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
        }
        return blocks;
    }

    /** The DER of the one block with this label. */
    public static byte[] decode(String text, String label) {
        for (Block block : decodeAll(text)) {
            if (block.label().equals(label)) {
                return block.der();
            }
        }
        throw new IllegalArgumentException("no PEM block labelled " + label);
    }
}
