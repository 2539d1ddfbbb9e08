package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import fitmon.replication.ReplicationSettings;
import org.junit.jupiter.api.Test;

class WaitingReportIntervalTest {

    private static final ReplicationSettings SETTINGS = ReplicationSettings.of(ReplicationSettings.parsePeers(
            List.of("127.0.0.1:11000", "127.0.0.1:11010", "127.0.0.1:11020", "127.0.0.1:11030")), 1);

    @Test
    void intervalsOutsideOneSecondToOneHourAreRefused() {
        for (Duration bad : new Duration[] {null, Duration.ofMillis(999), Duration.ofHours(1).plusSeconds(1)}) {
            assertThatThrownBy(() -> new BftSmartReplica(0, SETTINGS, new RecordingService(0), null, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("waiting report interval");
        }
        assertThatCode(() -> new BftSmartReplica(0, SETTINGS, new RecordingService(0), null, Duration.ofSeconds(1)))
                .doesNotThrowAnyException();
        assertThatCode(() -> new BftSmartReplica(0, SETTINGS, new RecordingService(0), null, Duration.ofHours(1)))
                .doesNotThrowAnyException();
    }
}
