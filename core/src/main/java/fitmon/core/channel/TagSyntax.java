package fitmon.core.channel;

import java.util.regex.Pattern;

/** The one spelling rule for channel TAGs and probe ids: short, ASCII, safe in URLs and topics. */
public final class TagSyntax {

    public static final int MAX_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private TagSyntax() {
    }

    /** True for 1 to 128 characters of letters, digits, '.', '_', ':' and '-', starting alphanumeric. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Human-readable rule, used in refusal messages. */
    public static String rule() {
        return "1 to 128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
    }
}
