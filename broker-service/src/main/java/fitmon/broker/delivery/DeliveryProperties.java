package fitmon.broker.delivery;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * STOMP delivery to consoles ({@code fitmon.broker.delivery.*}); see {@code docs/delivery.md}.
 *
 * @param jwksUrl          where the registry publishes the keys of console tokens
 * @param maxQueued        deliveries waiting per session before it is cut off as a slow consumer
 * @param maxQueuedControl control frames (CONNECTED, RECEIPT, notices) waiting per session before it
 *                         is cut off: a console that sends frames with receipts but does not read
 * @param maxSessions      STOMP sessions past CONNECT this replica serves at once
 * @param maxPendingConnects WebSockets that have not sent CONNECT yet, kept apart from
 *                         {@code maxSessions}: past it the one that has waited longest is closed
 * @param maxSubscriptions subscriptions per session
 * @param connectTimeout   how long a new WebSocket may wait before sending CONNECT
 * @param allowedOrigins   browser origins allowed to open {@code /ws}
 * @param faultInjection   test-only misbehaviour, refused unless the JVM allows it (see {@link FaultInjection})
 */
@ConfigurationProperties("fitmon.broker.delivery")
public record DeliveryProperties(
        @DefaultValue("http://127.0.0.1:8070/api/v1/tokens/jwks.json") String jwksUrl,
        @DefaultValue("10000") int maxQueued,
        @DefaultValue("100") int maxQueuedControl,
        @DefaultValue("1000") int maxSessions,
        @DefaultValue("100") int maxPendingConnects,
        @DefaultValue("100") int maxSubscriptions,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("*") List<String> allowedOrigins,
        @DefaultValue FaultInjection faultInjection) {

    public DeliveryProperties {
        if (maxQueued < 1 || maxQueuedControl < 1 || maxSessions < 1 || maxPendingConnects < 1
                || maxSubscriptions < 1) {
            throw new IllegalArgumentException("fitmon.broker.delivery.max-queued, max-queued-control, max-sessions,"
                    + " max-pending-connects and max-subscriptions must be at least 1");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("fitmon.broker.delivery.connect-timeout must be positive");
        }
    }

    /**
     * Deliberate misbehaviour for tests of the consoles' voting.
     *
     * @param alterEvents every delivery this replica sends carries an altered event (its numeric
     *                    data fields incremented, the probe signature unchanged)
     */
    public record FaultInjection(@DefaultValue("false") boolean alterEvents) {

        /** The JVM system property that must be {@code true} for any fault injection to be accepted. */
        public static final String ALLOW_PROPERTY = "fitmon.test.allow-fault-injection";

        boolean enabled() {
            return alterEvents;
        }
    }
}
