package fitmon.broker.readapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.broker.replication.BrokerMetrics;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.StateFixture;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CreateChannel;
import fitmon.replication.OrderContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The digest {@code GET /api/v1/replica} shows, against a real state machine behind the replica shell. */
class AgreedStateDigestTest {

    private final BrokerStateMachine sm = new BrokerStateMachine(StateFixture.config());
    private final ReplicatedBroker broker = new ReplicatedBroker(sm, new PrecomputedVerdicts(16),
            new BrokerMetrics(new SimpleMeterRegistry()));
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AgreedStateDigest digest = new AgreedStateDigest(broker, registry);
    private final AtomicLong consensusIds = new AtomicLong();

    private void ordered(String tag) {
        broker.executeOrdered(CommandCodec.encode(CreateChannel.withDefaults(tag, ChannelClass.BFT)),
                new OrderContext(consensusIds.incrementAndGet(), 0, StateFixture.at(consensusIds.get())));
    }

    private double computations() {
        return registry.get("fitmon.replica.digest.computations").counter().count();
    }

    @Test
    void manyParallelRequestsCopyTheStateOncePerChange() throws Exception {
        ordered("host.cpu");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<AgreedStateDigest.Point>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return digest.current();
                }));
            }
            start.countDown();
            for (Future<AgreedStateDigest.Point> answer : answers) {
                assertThat(answer.get().digest()).isEqualTo(sm.digest());
                assertThat(answer.get().appliedCommands()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(computations()).as("state copies for 200 requests at one point").isEqualTo(1);
    }

    @Test
    void everyAnswerIsAsRecentAsTheStateWhenAskedAndConsistentInItself() {
        byte[] empty = digest.current().digest();
        assertThat(empty).isEqualTo(sm.digest());
        for (int i = 1; i <= 3; i++) {
            ordered("host.c" + i);
            AgreedStateDigest.Point point = digest.current();
            assertThat(point.appliedCommands()).isEqualTo(i);
            assertThat(point.consensusTimeMillis()).isEqualTo(sm.consensusTimeMillis());
            assertThat(point.digest()).isEqualTo(sm.digest()).isNotEqualTo(empty);
            assertThat(digest.current()).isSameAs(point);
        }
        assertThat(computations()).isEqualTo(4);
    }

    @Test
    void aRestoreChangesTheDigestEvenAtTheSameCommandCount() {
        BrokerStateMachine other = new BrokerStateMachine(StateFixture.config());
        other.applyOrdered(CreateChannel.withDefaults("other.tag", ChannelClass.BFT), StateFixture.at(1));
        ordered("host.cpu");
        AgreedStateDigest.Point before = digest.current();

        broker.restore(other.snapshot());

        AgreedStateDigest.Point after = digest.current();
        assertThat(after.appliedCommands()).isEqualTo(before.appliedCommands());
        assertThat(after.digest()).isEqualTo(other.digest()).isNotEqualTo(before.digest());
    }
}
