package fitmon.gateway.revocation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import fitmon.core.command.CommandResult;
import fitmon.gateway.ordering.GatewayOrdering;
import fitmon.gateway.ordering.OrderingUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Orders certificate revocations the registry accepted into the replicas' agreed revoked set,
 * once each per gateway run: right after an administrator's revocation through this gateway
 * ({@link #afterRegistryAnswer}), and for whatever {@link RevocationReconciler} finds in the
 * registry's list that this gateway has not ordered yet. Revoking again is harmless (the replicas
 * answer "already revoked"), so a restarted gateway orders the unexpired ones once more.
 */
@Component
public class RevocationOrdering {

    private static final Logger log = LoggerFactory.getLogger(RevocationOrdering.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern REVOKE_PATH = Pattern.compile("/api/v1/certificates/([0-9A-Fa-f]{1,64})/revoke");

    private final GatewayOrdering ordering;
    private final RevocationProperties properties;
    /** Serials the replicas confirmed during this run, with the certificate's end of validity. */
    private final Map<BigInteger, Instant> ordered = new HashMap<>();

    public RevocationOrdering(GatewayOrdering ordering, RevocationProperties properties) {
        this.ordering = ordering;
        this.properties = properties;
    }

    /**
     * The hook after an administration call was forwarded to the registry: when it revoked a
     * certificate, orders the revocation and says in the answer whether the replicas have it
     * ({@code "replicas": "REVOKED"}) or the background reconciliation will retry
     * ({@code "PENDING"}). Every other answer passes unchanged.
     */
    public ResponseEntity<byte[]> afterRegistryAnswer(HttpMethod method, String path, ResponseEntity<byte[]> answer) {
        Matcher matcher = REVOKE_PATH.matcher(path);
        if (!HttpMethod.POST.equals(method) || !matcher.matches() || !answer.getStatusCode().is2xxSuccessful()
                || answer.getBody() == null) {
            return answer;
        }
        JsonNode view;
        try {
            view = JSON.readTree(answer.getBody());
        } catch (RuntimeException e) {
            return answer;
        }
        if (!(view instanceof ObjectNode object)) {
            return answer;
        }
        boolean done = Revocation.of(view).map(r -> order(r, "revoked by administrator through gateway")).orElse(false);
        object.put("replicas", done ? "REVOKED" : "PENDING");
        return new ResponseEntity<>(JSON.writeValueAsBytes(object), answer.getHeaders(), answer.getStatusCode());
    }

    /**
     * Orders one revocation unless this run already did; waits for the replicas' agreed answer.
     * Serialised, so the hook and the reconciliation never order the same serial twice.
     *
     * @return whether the replicas now hold it
     */
    synchronized boolean order(Revocation revocation, String reason) {
        Instant now = Instant.now();
        ordered.values().removeIf(notAfter -> notAfter.isBefore(now));
        if (ordered.containsKey(revocation.serial())) {
            return true;
        }
        try {
            CommandResult result = ordering.submit(revocation.command(reason), false)
                    .get(properties.orderTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (result instanceof CommandResult.Accepted accepted) {
                ordered.put(revocation.serial(), revocation.notAfter());
                log.info("replicas revoked {}: {}", revocation.serialHex(), accepted.detail());
                return true;
            }
            log.warn("replicas refused the revocation of {}: {}", revocation.serialHex(), result);
        } catch (OrderingUnavailableException | ExecutionException | TimeoutException e) {
            log.warn("could not order the revocation of {} yet: {}", revocation.serialHex(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    synchronized boolean alreadyOrdered(BigInteger serial) {
        return ordered.containsKey(serial);
    }

    boolean ready() {
        return ordering.ready();
    }
}
