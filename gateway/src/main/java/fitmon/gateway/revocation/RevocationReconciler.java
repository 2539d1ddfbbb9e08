package fitmon.gateway.revocation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import fitmon.gateway.registry.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * At start (once the replicas are reachable) and every {@code fitmon.gateway.revocation.interval}
 * after, reads the registry's unexpired revoked certificates and orders those this gateway has not
 * ordered yet: revocations made while no gateway ran, or whose ordering failed, still reach the
 * replicas.
 */
@Component
public class RevocationReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RevocationReconciler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long NOT_READY_RETRY_MILLIS = 2000;

    private final RegistryClient registry;
    private final RevocationOrdering revocations;
    private final RevocationProperties properties;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile Instant lastCompleted;

    public RevocationReconciler(RegistryClient registry, RevocationOrdering revocations, RevocationProperties properties) {
        this.registry = registry;
        this.revocations = revocations;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::loop, "fitmon-revocation-reconciler");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        while (running) {
            boolean completed = false;
            try {
                completed = reconcile();
            } catch (RuntimeException e) {
                log.warn("could not compare revocations with the registry: {}", e.getMessage());
            }
            long pause = completed ? properties.interval().toMillis()
                    : Math.min(properties.interval().toMillis(), NOT_READY_RETRY_MILLIS);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round; true when every unexpired revocation the registry lists is ordered. */
    boolean reconcile() {
        if (!revocations.ready()) {
            return false;
        }
        JsonNode list = JSON.readTree(registry.revokedCertificates());
        List<Revocation> missing = new ArrayList<>();
        Instant now = Instant.now();
        for (JsonNode view : list.path("revoked")) {
            Revocation.of(view).filter(r -> r.notAfter().isAfter(now) && !revocations.alreadyOrdered(r.serial()))
                    .ifPresent(missing::add);
        }
        boolean all = true;
        for (Revocation revocation : missing) {
            all &= revocations.order(revocation, "revoked in the registry (reconciled)");
        }
        if (!missing.isEmpty()) {
            log.info("ordered {} revocation(s) found in the registry", missing.size());
        }
        if (all) {
            lastCompleted = now;
        }
        return all;
    }

    /** When a round last found every revocation ordered, or null. */
    public Instant lastCompleted() {
        return lastCompleted;
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
