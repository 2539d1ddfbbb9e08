package fitmon.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagSyntaxTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "host.cpu", "web-01", "net:rtt", "a_b", "A.b-c_d:e", "0-", "x.", "a..b"})
    void valid(String name) {
        assertThat(TagSyntax.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "-leading-dash", ".leading-dot", "_leading", ":leading", "with space", " lead", "trail ",
            "tab\there", "new\nline", "slash/x", "star*", "hash#", "plus+", "comma,", "percent%", "q?",
            "caf\u00e9", "\u00e9t\u00e9", "\u20ac", "\ud83d\ude00", "\u0430bc", "\uff41" // full-width 'a'
    })
    void invalid(String name) {
        assertThat(TagSyntax.isValid(name)).as("'%s'", name).isFalse();
    }

    @Test
    void nullIsInvalid() {
        assertThat(TagSyntax.isValid(null)).isFalse();
    }

    @Test
    void lengthLimitIs128() {
        assertThat(TagSyntax.MAX_LENGTH).isEqualTo(128);
        assertThat(TagSyntax.isValid("a".repeat(128))).isTrue();
        assertThat(TagSyntax.isValid("a".repeat(129))).isFalse();
        assertThat(TagSyntax.isValid("a" + "-".repeat(127))).isTrue();
        assertThat(TagSyntax.isValid("a" + "-".repeat(128))).isFalse();
    }

    @Test
    void ruleIsReadable() {
        assertThat(TagSyntax.rule()).contains("128").contains("letter or digit");
    }
}
