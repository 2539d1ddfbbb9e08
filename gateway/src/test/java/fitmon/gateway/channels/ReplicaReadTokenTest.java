package fitmon.gateway.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import fitmon.gateway.registry.RegistryClient;
import fitmon.gateway.registry.RegistryProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read token's renewal against a stand-in registry on loopback that can stop answering. */
class ReplicaReadTokenTest {

    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private HttpServer registry;

    /** A clock the test moves. */
    private static final class SteppedClock extends Clock {
        private Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private ReplicaReadToken token(Clock clock) throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/internal/v1/read-tokens", exchange -> {
            int n = calls.incrementAndGet();
            if (down.get()) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            byte[] body = ("{\"token\":\"token-" + n + "\",\"expiresAt\":\"" + START.plusSeconds(900) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        return new ReplicaReadToken(new RegistryClient(new RegistryProperties(
                "http://127.0.0.1:" + registry.getAddress().getPort(), "service-token", null, Duration.ofSeconds(5),
                Duration.ofSeconds(5), 100, Duration.ofSeconds(10), 100)), "gateway-1", clock);
    }

    @AfterEach
    void stop() {
        registry.stop(0);
    }

    @Test
    void whileTheRegistryIsDownTheCurrentTokenServesAndTheRegistryIsAskedAtMostEveryFewSeconds() throws IOException {
        SteppedClock clock = new SteppedClock();
        ReplicaReadToken token = token(clock);
        assertThat(token.token()).isEqualTo("token-1");
        clock.now = START.plusSeconds(100);
        assertThat(token.token()).as("not renewed before half its validity").isEqualTo("token-1");
        assertThat(calls.get()).isEqualTo(1);

        down.set(true);
        clock.now = START.plusSeconds(451);
        assertThat(token.token()).as("renewal failed: the current token serves").isEqualTo("token-1");
        assertThat(calls.get()).isEqualTo(2);
        for (int i = 0; i < 20; i++) {
            assertThat(token.token()).isEqualTo("token-1");
        }
        assertThat(calls.get()).as("no registry call per read while it is down").isEqualTo(2);

        clock.now = clock.now.plusSeconds(ReplicaReadToken.RETRY_SECONDS);
        down.set(false);
        assertThat(token.token()).as("asked again after the pause").isEqualTo("token-3");
    }
}
