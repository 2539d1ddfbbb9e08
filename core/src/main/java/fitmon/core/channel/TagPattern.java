package fitmon.core.channel;

/**
 * A channel TAG or a glob where {@code *} matches any run of characters ({@code host.*}, {@code *}).
 *
 * <p>Matching takes at most pattern length times tag length steps, whatever the input: a pattern
 * from a token or a grant cannot make it backtrack exponentially.
 */
public final class TagPattern {

    private TagPattern() {
    }

    /**
     * Greedy two-pointer glob match: on a mismatch it returns to the last {@code *} seen and lets
     * it take one more character of the tag. Only the last star matters, since everything it
     * could absorb earlier stars could absorb as well, so no other state needs to be kept.
     */
    public static boolean matches(String pattern, String tag) {
        int p = 0;
        int t = 0;
        int star = -1;
        int starTag = 0;
        while (t < tag.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starTag = t;
            } else if (p < pattern.length() && pattern.charAt(p) == tag.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starTag;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
