package fitmon.core.channel;

/** A channel TAG or a glob where {@code *} matches any run of characters ({@code host.*}, {@code *}). */
public final class TagPattern {

    private TagPattern() {
    }

    public static boolean matches(String pattern, String tag) {
        return matches(pattern, 0, tag, 0);
    }

    private static boolean matches(String pattern, int p, String tag, int t) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                while (p < pattern.length() && pattern.charAt(p) == '*') {
                    p++;
                }
                if (p == pattern.length()) {
                    return true;
                }
                for (int i = t; i <= tag.length(); i++) {
                    if (matches(pattern, p, tag, i)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= tag.length() || tag.charAt(t) != c) {
                return false;
            }
            p++;
            t++;
        }
        return t == tag.length();
    }
}
