package fitmon.gateway.channels;

import java.net.URI;
import java.util.Map;

import fitmon.core.command.RegisterProbe;
import fitmon.gateway.admission.ScheduledOrdering;
import fitmon.gateway.auth.Action;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.auth.Authorization;
import fitmon.gateway.problem.ApiProblem;
import fitmon.gateway.registry.PemCertificates;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Register_to_Channel(TAG): a probe registers with the certificate the fitmon CA issued it, as the
 * registry holds it; the replicas verify that certificate and from then on check the probe's
 * signatures with its key.
 */
@RestController
@RequestMapping("/api/v1/channels/{tag}/registrations")
@Tag(name = "registrations")
public class RegistrationController {

    private final ScheduledOrdering ordering;
    private final PublishChecks checks;

    public RegistrationController(ScheduledOrdering ordering, PublishChecks checks) {
        this.ordering = ordering;
        this.checks = checks;
    }

    @PostMapping
    @Operation(summary = "Register the calling probe to a channel (ordered); needs PUBLISH on the TAG")
    public ResponseEntity<Map<String, String>> register(@PathVariable String tag, HttpServletRequest request) {
        Tags.require(tag);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.PUBLISH, tag);
        if (!principal.isProbe()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "NOT_A_PROBE",
                    "only probe principals register to channels; '" + principal.name() + "' is " + principal.kind());
        }
        checks.certifiedKey(principal);
        Replies.requireAccepted(ordering.execute(principal,
                new RegisterProbe(tag, PemCertificates.der(principal.certificatePem())), false));
        return ResponseEntity.created(URI.create("/api/v1/channels/" + tag + "/registrations/" + principal.name()))
                .body(Map.of("tag", tag, "probeId", principal.name()));
    }
}
