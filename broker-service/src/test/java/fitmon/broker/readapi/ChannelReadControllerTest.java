package fitmon.broker.readapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.broker.access.ConsoleTokens;
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
import fitmon.testkit.ConsoleTokenFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

/**
 * The read API against a real state machine behind the replica shell, with real console tokens
 * checked against a JWKS served over HTTP.
 */
class ChannelReadControllerTest {

    private static final String TAG = "host.logs";

    private static ConsoleTokenFixture tokens;

    @BeforeAll
    static void tokens() throws Exception {
        tokens = new ConsoleTokenFixture();
    }

    @AfterAll
    static void stopTokens() {
        tokens.close();
    }

    private static String bearer(String subject, String... patterns) {
        return "Bearer " + tokens.token(subject, List.of(patterns), Instant.now().plusSeconds(600));
    }

    private final BrokerStateMachine sm = new BrokerStateMachine(StateFixture.config());
    private final ReplicatedBroker broker = new ReplicatedBroker(sm, new PrecomputedVerdicts(16),
            new BrokerMetrics(new SimpleMeterRegistry()));
    private final ChannelReadController controller = new ChannelReadController(broker, new BrokerReplicaProperties(
            0, 1, List.of("127.0.0.1:11000", "127.0.0.1:11010", "127.0.0.1:11020", "127.0.0.1:11030"),
            Duration.ofSeconds(2), null, null, false,
            new BrokerReplicaProperties.Limits(65536, 1000, 10000, 1_000_000, 1L << 30, 64L << 20),
            new BrokerReplicaProperties.Keys(null, null), Duration.ofSeconds(30), null, DataSize.ofMegabytes(64), true,
            new BrokerReplicaProperties.Links(null, null, Duration.ofSeconds(5), DataSize.ofMegabytes(256))),
            LabSwitches.honest(0), new ReadAccess(new ConsoleTokens(tokens.jwksUrl())));
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

        String reader = bearer("reader", "host.*");
        EventPageResponse first = controller.events(reader, TAG, 1, ChannelReadController.MAX_PAGE);
        assertThat(first.events()).hasSizeBetween(1, events - 1);
        assertThat(first.events().stream().mapToLong(e -> e.event().length()).sum())
                .isLessThanOrEqualTo(ChannelReadController.MAX_PAGE_BYTES);
        assertThat(first.nextFromSeq()).isEqualTo(first.events().size() + 1);

        List<Long> seen = new ArrayList<>();
        long from = 1;
        while (true) {
            EventPageResponse page = controller.events(reader, TAG, from, ChannelReadController.MAX_PAGE);
            if (page.events().isEmpty()) {
                break;
            }
            page.events().forEach(e -> seen.add(e.channelSeq()));
            from = page.nextFromSeq();
        }
        assertThat(seen).hasSize(events).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void readersSeeOnlyTheChannelsTheirTokenAllowsAndNothingWithoutOne() {
        ordered(StateFixture.channel(TAG, ChannelClass.BFT, 10, 10, new ChannelRetention(1000, 1L << 20)));
        ordered(StateFixture.channel("net.flows", ChannelClass.BFT, 10, 10, new ChannelRetention(1000, 1L << 20)));

        assertThat(controller.channels(bearer("all", "*"))).extracting(ChannelResponse::tag)
                .containsExactlyInAnyOrder(TAG, "net.flows");
        assertThat(controller.channels(bearer("hosts", "host.*"))).extracting(ChannelResponse::tag).containsExactly(TAG);
        assertThat(controller.channel(bearer("hosts", "host.*"), TAG).tag()).isEqualTo(TAG);
        assertThat(controller.events(bearer("hosts", "host.*"), TAG, 1, 10).events()).isEmpty();

        refused(() -> controller.channel(bearer("hosts", "host.*"), "net.flows"), 403, "FORBIDDEN");
        refused(() -> controller.events(bearer("hosts", "host.*"), "net.flows", 1, 10), 403, "FORBIDDEN");
        // whether a channel exists is not told to who may not read it
        refused(() -> controller.channel(bearer("hosts", "host.*"), "net.nothing"), 403, "FORBIDDEN");

        refused(() -> controller.channels(null), 401, "UNAUTHENTICATED");
        refused(() -> controller.channels("Basic dXNlcjpwdw=="), 401, "UNAUTHENTICATED");
        refused(() -> controller.channels("Bearer not.a.jwt"), 401, "UNAUTHENTICATED");
        refused(() -> controller.events("Bearer " + ConsoleTokenFixture.token("someone-else", "r", List.of("*"),
                Instant.now().plusSeconds(600), tokens.key()), TAG, 1, 10), 401, "UNAUTHENTICATED");
        refused(() -> controller.events("Bearer " + tokens.token("r", List.of("*"), Instant.now().minusSeconds(600)),
                TAG, 1, 10), 401, "TOKEN_EXPIRED");
    }

    private static void refused(Runnable read, int status, String code) {
        assertThatThrownBy(read::run).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(status);
            assertThat(e.getBody().getProperties()).containsEntry("code", code);
            if (status == 401) {
                assertThat(e.getHeaders().getFirst("WWW-Authenticate")).startsWith("Bearer");
            }
        });
    }
}
