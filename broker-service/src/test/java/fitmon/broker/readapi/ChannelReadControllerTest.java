package fitmon.broker.readapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.broker.lab.LabSwitches;
import fitmon.broker.replication.BrokerMetrics;
import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.SigningProbe;
import fitmon.broker.state.StateFixture;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.replication.OrderContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The event pages of the read API, against a real state machine behind the replica shell. */
class ChannelReadControllerTest {

    private static final String TAG = "host.logs";

    private final BrokerStateMachine sm = new BrokerStateMachine(StateFixture.config());
    private final ReplicatedBroker broker = new ReplicatedBroker(sm, new PrecomputedVerdicts(16),
            new BrokerMetrics(new SimpleMeterRegistry()));
    private final ChannelReadController controller = new ChannelReadController(broker, new BrokerReplicaProperties(
            0, 1, List.of("127.0.0.1:11000", "127.0.0.1:11010", "127.0.0.1:11020", "127.0.0.1:11030"),
            Duration.ofSeconds(2), null, null, false,
            new BrokerReplicaProperties.Limits(65536, 1000, 10000, 1_000_000, 1L << 30, 64L << 20),
            new BrokerReplicaProperties.Keys(null, null), Duration.ofSeconds(30), null, DataSize.ofMegabytes(64), true),
            LabSwitches.honest(0));
    private final SigningProbe probe = SigningProbe.ed25519("web-01");
    private final AtomicLong consensusIds = new AtomicLong();

    private void ordered(BrokerCommand command) {
        byte[] result = broker.executeOrdered(CommandCodec.encode(command),
                new OrderContext(consensusIds.incrementAndGet(), 0, StateFixture.at(consensusIds.get())));
        assertThat(ResultCodec.decode(result)).isNotInstanceOf(CommandResult.Rejected.class);
    }

    @Test
    void aPageOfLargeEventsStopsAtItsByteBoundAndTheNextPagesHoldTheRest() {
        ordered(StateFixture.channel(TAG, ChannelClass.BFT, 10, 10, new ChannelRetention(1000, 64L * 1024 * 1024)));
        ordered(new RegisterProbe(TAG, probe.certificate()));
        int events = 40;
        for (int seq = 1; seq <= events; seq++) {
            ordered(StateFixture.publish(TAG, probe.signedBytesOfAbout(TAG, seq, 60_000)));
        }

        EventPageResponse first = controller.events(TAG, 1, ChannelReadController.MAX_PAGE);
        assertThat(first.events()).hasSizeBetween(1, events - 1);
        assertThat(first.events().stream().mapToLong(e -> e.event().length()).sum())
                .isLessThanOrEqualTo(ChannelReadController.MAX_PAGE_BYTES);
        assertThat(first.nextFromSeq()).isEqualTo(first.events().size() + 1);

        List<Long> seen = new ArrayList<>();
        long from = 1;
        while (true) {
            EventPageResponse page = controller.events(TAG, from, ChannelReadController.MAX_PAGE);
            if (page.events().isEmpty()) {
                break;
            }
            page.events().forEach(e -> seen.add(e.channelSeq()));
            from = page.nextFromSeq();
        }
        assertThat(seen).hasSize(events).isSorted().doesNotHaveDuplicates();
    }
}
