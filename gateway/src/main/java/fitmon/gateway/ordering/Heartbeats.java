package fitmon.gateway.ordering;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.command.CommandResult;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What the gateway owes the replicas besides client commands. Consensus time moves only with
 * ordered commands, so a periodic Tick lets idle channels expire on a quiet system; events of
 * unordered channels bypass consensus, so a Touch (at most one per channel per interval) tells
 * the agreed state that the channel is in use.
 */
@Component
public class Heartbeats {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
    private static final int MAX_TRACKED = 10_000;

    private final GatewayOrdering ordering;
    private final long touchIntervalMillis;
    private final Map<String, Long> lastTouch = new ConcurrentHashMap<>();

    public Heartbeats(GatewayOrdering ordering, ClusterProperties cluster) {
        this.ordering = ordering;
        this.touchIntervalMillis = cluster.touchInterval().toMillis();
    }

    @Scheduled(fixedDelayString = "${fitmon.gateway.cluster.tick-interval:10s}",
            initialDelayString = "${fitmon.gateway.cluster.tick-interval:10s}")
    public void tick() {
        if (ordering.ready()) {
            ordering.submit(new Tick(), false).whenComplete(Heartbeats::logFailure);
        }
    }

    /** Called after an event of an unordered channel was accepted. */
    public void touched(String tag) {
        long now = System.currentTimeMillis();
        Long previous = lastTouch.get(tag);
        if (previous != null && now - previous < touchIntervalMillis) {
            return;
        }
        if (lastTouch.size() > MAX_TRACKED) {
            lastTouch.clear();
        }
        lastTouch.put(tag, now);
        ordering.submit(new Touch(tag), false).whenComplete(Heartbeats::logFailure);
    }

    private static void logFailure(CommandResult result, Throwable failure) {
        if (failure != null) {
            log.debug("heartbeat not ordered: {}", failure.toString());
        }
    }
}
