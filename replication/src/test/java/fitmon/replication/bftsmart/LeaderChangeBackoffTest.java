package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ordering timeout per regency: doubled by leader changes that ordered nothing, reset by progress. */
class LeaderChangeBackoffTest {

    @Test
    void aLeaderChangeAfterProgressKeepsTheConfiguredTimeout() {
        LeaderChangeBackoff backoff = new LeaderChangeBackoff(2000);
        assertThat(backoff.regencyInstalled(100)).isEqualTo(2000);
        assertThat(backoff.regencyInstalled(140)).isEqualTo(2000);
        assertThat(backoff.currentMillis()).isEqualTo(2000);
    }

    @Test
    void everyLeaderChangeThatOrderedNothingDoublesTheTimeoutUpToEightTimes() {
        LeaderChangeBackoff backoff = new LeaderChangeBackoff(1000);
        assertThat(backoff.regencyInstalled(5906)).isEqualTo(1000);
        assertThat(backoff.regencyInstalled(5906)).isEqualTo(2000);
        assertThat(backoff.regencyInstalled(5906)).isEqualTo(4000);
        assertThat(backoff.regencyInstalled(5906)).isEqualTo(8000);
        for (int regency = 0; regency < 100; regency++) {
            assertThat(backoff.regencyInstalled(5906)).isEqualTo(8000);
        }
        assertThat(backoff.currentMillis()).isEqualTo(1000L << LeaderChangeBackoff.MAX_DOUBLINGS);
    }

    @Test
    void progressPutsTheConfiguredTimeoutBackOnce() {
        LeaderChangeBackoff backoff = new LeaderChangeBackoff(1000);
        backoff.regencyInstalled(10);
        backoff.regencyInstalled(10);
        backoff.regencyInstalled(10);
        assertThat(backoff.executed(10)).as("nothing new executed").isEqualTo(-1);
        assertThat(backoff.currentMillis()).isEqualTo(4000);
        assertThat(backoff.executed(11)).isEqualTo(1000);
        assertThat(backoff.currentMillis()).isEqualTo(1000);
        assertThat(backoff.executed(12)).as("already back").isEqualTo(-1);
        // the next leader change starts from the configured timeout again
        assertThat(backoff.regencyInstalled(12)).isEqualTo(1000);
        assertThat(backoff.regencyInstalled(12)).isEqualTo(2000);
    }

    @Test
    void progressWithoutALeaderChangeChangesNothing() {
        LeaderChangeBackoff backoff = new LeaderChangeBackoff(1000);
        assertThat(backoff.executed(1)).isEqualTo(-1);
        assertThat(backoff.executed(500)).isEqualTo(-1);
        assertThat(backoff.currentMillis()).isEqualTo(1000);
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new LeaderChangeBackoff(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
