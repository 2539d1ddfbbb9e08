package fitmon.gateway.channels;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.BatchVerdictCache;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.PemCertificates;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What the gateway refuses before ordering, so it never reaches the replicated state: an event
 * for another channel; and for a probe principal, an event naming another probe, a probe without
 * a certificate or with a revoked one, and a signature its certified key did not make. The
 * replicas check signatures again against the certificate registered in the agreed state.
 *
 * <p>The check here is not redundant: replicas verify against the key a probe registered with,
 * which stays valid until that certificate expires, while the gateway knows the probe's current
 * certificate. After a probe is revoked and enrolls again, only this check refuses events signed
 * with its old key. It costs one Ed25519 verification per event here (BouncyCastle, about 80 µs), or
 * one per batch for events a probe signed as a batch.
 */
@Component
public class PublishChecks {

    private static final int MAX_KEYS = 10_000;

    private final Map<String, VerificationKey> keys = new ConcurrentHashMap<>();
    /** Events signed as a batch share one signature: checked once per batch. */
    private final BatchVerdictCache verdicts = new BatchVerdictCache(1024);

    public void check(AuthenticatedPrincipal principal, String tag, List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String where = PublishBody.where(events.size() == 1 ? -1 : i);
            if (!tag.equals(event.tag())) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "TAG_MISMATCH",
                        where + "the event's tag '" + event.tag() + "' is not the channel '" + tag + "' it was posted to");
            }
            if (!principal.isProbe()) {
                continue;
            }
            if (!principal.name().equals(event.probeId())) {
                throw new ApiProblem(HttpStatus.FORBIDDEN, "PROBE_MISMATCH", where + "probe '" + principal.name()
                        + "' may publish only its own events, not those of '" + event.probeId() + "'");
            }
            VerificationKey key = certifiedKey(principal);
            if (event.sig() != null && verdicts.verify(event, key) != EventSigning.Verdict.VALID) {
                throw new ApiProblem(HttpStatus.FORBIDDEN, "SIGNATURE_INVALID", where
                        + "the signature was not made by the key certified for probe '" + principal.name() + "'");
            }
        }
    }

    /** The probe's certified key; refuses probes not enrolled and revoked certificates. */
    public VerificationKey certifiedKey(AuthenticatedPrincipal principal) {
        if (principal.certificatePem() == null) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "NOT_ENROLLED",
                    "probe '" + principal.name() + "' has no certificate yet: enroll it and have an admin approve");
        }
        if (principal.certificateRevoked()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "CERTIFICATE_REVOKED",
                    "the certificate of probe '" + principal.name() + "' was revoked; enroll again for a new one");
        }
        if (keys.size() >= MAX_KEYS) {
            keys.clear();
        }
        return keys.computeIfAbsent(principal.certificatePem(), PublishChecks::parseKey);
    }

    private static VerificationKey parseKey(String pem) {
        try {
            return VerificationKey.of(PemCertificates.x509(PemCertificates.der(pem)).getPublicKey());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "REGISTRY_CERTIFICATE_UNREADABLE",
                    "the registry holds an unreadable certificate for this probe: " + e.getMessage());
        }
    }
}
