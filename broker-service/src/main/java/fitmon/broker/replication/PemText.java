package fitmon.broker.replication;

import java.util.Base64;

/** The DER inside a PEM block, or inside bare base64 text: how keys arrive from configuration. */
final class PemText {

    private PemText() {
    }

    /** @throws IllegalArgumentException when the text is neither PEM nor base64 */
    static byte[] der(String text) {
        return Base64.getDecoder().decode(text.replaceAll("-----(BEGIN|END) [A-Z0-9 ]+-----", "").replaceAll("\\s", ""));
    }
}
