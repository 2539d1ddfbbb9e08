package fitmon.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));

    @Test
    void retriesOnlyOverloadAndServerErrors() {
        assertThat(RetryPolicy.retryableStatus(429)).isTrue();
        assertThat(RetryPolicy.retryableStatus(500)).isTrue();
        assertThat(RetryPolicy.retryableStatus(502)).isTrue();
        assertThat(RetryPolicy.retryableStatus(503)).isTrue();
        assertThat(RetryPolicy.retryableStatus(400)).isFalse();
        assertThat(RetryPolicy.retryableStatus(401)).isFalse();
        assertThat(RetryPolicy.retryableStatus(403)).isFalse();
        assertThat(RetryPolicy.retryableStatus(404)).isFalse();
        assertThat(RetryPolicy.retryableStatus(409)).isFalse();
    }

    @Test
    void attemptsAreBounded() {
        assertThat(policy.mayRetryAfter(4)).isTrue();
        assertThat(policy.mayRetryAfter(5)).isFalse();
        assertThat(RetryPolicy.none().mayRetryAfter(1)).isFalse();
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffGrowsExponentiallyWithinItsJitterBandAndIsCapped() {
        assertThat(policy.waitAfter(1, null, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.waitAfter(1, null, () -> 0.999999)).isEqualTo(Duration.ofMillis(199));
        assertThat(policy.waitAfter(3, null, () -> 0.0)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.waitAfter(3, null, () -> 0.5)).isEqualTo(Duration.ofMillis(600));
        assertThat(policy.waitAfter(30, null, () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.waitAfter(30, null, () -> 0.999999)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterWinsOverBackoffButIsCapped() {
        assertThat(policy.waitAfter(1, Duration.ofSeconds(3), () -> 0.5)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.waitAfter(1, Duration.ofSeconds(120), () -> 0.5)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterHeaderReadsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-11-23T02:31:45Z");
        assertThat(RetryAfter.parse("5", now)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse(" 0 ", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 02:32:00 GMT", now)).isEqualTo(Duration.ofSeconds(15));
        assertThat(RetryAfter.parse("Mon, 23 Nov 2026 02:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse("-3", now)).isNull();
        assertThat(RetryAfter.parse("99999999999999999999999", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }
}
