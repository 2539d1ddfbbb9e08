package fitmon.broker.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepetitionLimiterTest {

    @Test
    void linesDifferingOnlyInNumbersHaveOneShape() {
        assertThat(RepetitionLimiter.shape("(ReceiverThread.run) in queue full (message from 3 discarded)."))
                .isEqualTo(RepetitionLimiter.shape("(ReceiverThread.run) in queue full (message from 12 discarded)."));
        assertThat(RepetitionLimiter.shape("-- Diffie-Hellman complete with 3"))
                .isNotEqualTo(RepetitionLimiter.shape("Impossible to reconnect to replica 3"));
        assertThat(RepetitionLimiter.shape("x".repeat(1000))).hasSize(160);
    }

    @Test
    void aShapeIsLetThroughAFewTimesPerWindowAndTheRestIsCountedForTheNextWindow() {
        RepetitionLimiter limiter = new RepetitionLimiter(2, 1000, 10);
        assertThat(limiter.offer("queue full from 1", 0).emit()).isTrue();
        assertThat(limiter.offer("queue full from 2", 10).emit()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.offer("queue full from " + i, 20 + i).emit()).isFalse();
        }
        // another shape has its own budget
        assertThat(limiter.offer("sending STOP message", 30).emit()).isTrue();

        RepetitionLimiter.Decision next = limiter.offer("queue full from 9", 1000);
        assertThat(next).isEqualTo(new RepetitionLimiter.Decision(true, 5));
        assertThat(limiter.offer("queue full from 9", 1001)).isEqualTo(new RepetitionLimiter.Decision(true, 0));
    }

    @Test
    void suppressedCountsAddUpAcrossQuietWindows() {
        RepetitionLimiter limiter = new RepetitionLimiter(1, 100, 10);
        limiter.offer("line 1", 0);
        limiter.offer("line 2", 1);
        limiter.offer("line 3", 2);
        limiter.offer("line 4", 100);
        limiter.offer("line 5", 101);
        // the emitted line at 100 reported 2; one more was suppressed since
        assertThat(limiter.offer("line 6", 250)).isEqualTo(new RepetitionLimiter.Decision(true, 1));
    }

    @Test
    void onlyTheMostRecentShapesAreRemembered() {
        RepetitionLimiter limiter = new RepetitionLimiter(1, 1000, 2);
        limiter.offer("a", 0);
        limiter.offer("b", 0);
        limiter.offer("c", 0);
        // "a" was forgotten, so it gets a fresh budget
        assertThat(limiter.offer("a", 1).emit()).isTrue();
        assertThat(limiter.offer("c", 1).emit()).isFalse();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new RepetitionLimiter(0, 1000, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
