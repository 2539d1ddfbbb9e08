package fitmon.broker.readapi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.BrokerStateMachine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The digest of the agreed state for {@code GET /api/v1/replica}, computed at most once per
 * change of that state and by one caller at a time. Whoever asks gets a point at least as recent
 * as the state when they asked: callers that queue behind a computation take its result, so any
 * number of parallel requests costs one copy of the state per ordered command at most, instead of
 * one per request.
 */
@Component
class AgreedStateDigest {

    /** Where the agreed state stood, with its digest: the three values belong to one and the same point. */
    record Point(long version, long appliedCommands, long consensusTimeMillis, byte[] digest) {
    }

    private record Captured(long version, long appliedCommands, long consensusTimeMillis, byte[] snapshot) {
    }

    private final ReplicatedBroker broker;
    private final Counter computations;
    private final Object computing = new Object();
    private volatile Point latest;

    AgreedStateDigest(ReplicatedBroker broker, MeterRegistry registry) {
        this.broker = broker;
        this.computations = Counter.builder("fitmon.replica.digest.computations")
                .description("copies of the agreed state hashed for GET /api/v1/replica").register(registry);
    }

    Point current() {
        long asked = broker.read(BrokerStateMachine::agreedStateVersion);
        Point point = latest;
        if (point != null && point.version() >= asked) {
            return point;
        }
        synchronized (computing) {
            point = latest;
            if (point != null && point.version() >= asked) {
                return point;
            }
            // copied under the read lock, hashed after it: ordering waits for the copy only
            Captured captured = broker.read(sm -> new Captured(sm.agreedStateVersion(), sm.appliedCommands(),
                    sm.consensusTimeMillis(), sm.snapshot()));
            point = new Point(captured.version(), captured.appliedCommands(), captured.consensusTimeMillis(),
                    sha256(captured.snapshot()));
            computations.increment();
            latest = point;
            return point;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
