package fitmon.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TagPatternTest {

    @Test
    void exactTagsAndGlobs() {
        assertThat(TagPattern.matches("host.cpu", "host.cpu")).isTrue();
        assertThat(TagPattern.matches("host.cpu", "host.cpu2")).isFalse();
        assertThat(TagPattern.matches("host.*", "host.cpu")).isTrue();
        assertThat(TagPattern.matches("host.*", "host.")).isTrue();
        assertThat(TagPattern.matches("host.*", "hostcpu")).isFalse();
        assertThat(TagPattern.matches("*", "anything:at.all")).isTrue();
        assertThat(TagPattern.matches("*.cpu", "web.cpu")).isTrue();
        assertThat(TagPattern.matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(TagPattern.matches("a*b*c", "axxbyy")).isFalse();
        assertThat(TagPattern.matches("a**", "a")).isTrue();
        assertThat(TagPattern.matches("", "")).isTrue();
        assertThat(TagPattern.matches("", "a")).isFalse();
    }

    @Test
    void starsBacktrackOnlyToTheLastOne() {
        assertThat(TagPattern.matches("*a", "aaa")).isTrue();
        assertThat(TagPattern.matches("*ab", "aab")).isTrue();
        assertThat(TagPattern.matches("a*ab", "aab")).isTrue();
        assertThat(TagPattern.matches("a*ab", "ab")).isFalse();
        assertThat(TagPattern.matches("*.*.cpu", "dc1.web.cpu")).isTrue();
        assertThat(TagPattern.matches("*.*.cpu", "dc1.cpu")).isFalse();
        assertThat(TagPattern.matches("*x*", "abc")).isFalse();
        assertThat(TagPattern.matches("**", "")).isTrue();
    }

    /**
     * With recursive backtracking this pair takes about C(60, 11) steps, centuries; the matcher
     * must take polynomial time. The timeout only keeps a regression from hanging the build.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPathologicalPatternIsAnsweredInsteadOfBacktrackingForever() {
        String as = "a".repeat(60);
        assertThat(TagPattern.matches("*a*a*a*a*a*a*a*a*a*a*a*b", as)).isFalse();
        assertThat(TagPattern.matches("*a*a*a*a*a*a*a*a*a*a*a*b", as + "b")).isTrue();
        assertThat(TagPattern.matches("*a*a*a*a*a*a*a*a*a*a*a*a", as)).isTrue();
    }

    /** Same answers as the obvious regular expression, over every small pattern shape. */
    @Test
    void agreesWithTheEquivalentRegularExpression() {
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            String pattern = word(random, "ab*", random.nextInt(7));
            String tag = word(random, "ab", random.nextInt(9));
            boolean expected = Pattern.matches(String.join(".*", pattern.split("\\*", -1)), tag);
            assertThat(TagPattern.matches(pattern, tag)).as("%s against %s", pattern, tag).isEqualTo(expected);
        }
    }

    private static String word(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
