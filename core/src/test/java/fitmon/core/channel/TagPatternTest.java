package fitmon.core.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
