package fitmon.registry.enrollment;

import java.util.List;
import java.util.Map;

import fitmon.registry.principal.Principal;
import fitmon.registry.principal.PrincipalKind;
import fitmon.registry.web.ApiProblem;
import fitmon.registry.web.Callers;
import fitmon.registry.web.RequiresAdmin;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Probe enrollment: submission with a bootstrap token, administrator decisions, status reads. */
@RestController
@RequestMapping("/api/v1/enrollments")
public class EnrollmentController {

    private final EnrollmentService service;
    private final Callers callers;

    public EnrollmentController(EnrollmentService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    public record Submit(String bootstrapToken, String csr) {
    }

    public record Reject(String reason) {
    }

    /** Authenticated by the bootstrap token alone: the probe has no other credential yet. */
    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> submit(@RequestBody Submit body) {
        Enrollment enrollment = service.submit(body.bootstrapToken(), body.csr());
        return Map.of("id", enrollment.id(), "probeId", enrollment.probeId(), "status", enrollment.status(),
                "createdAt", enrollment.createdAt().toString());
    }

    @RequiresAdmin
    @GetMapping
    public Map<String, List<Map<String, Object>>> list(@RequestParam(required = false) String status) {
        return Map.of("enrollments", service.list(status).stream().map(service::view).toList());
    }

    /** For administrators, and for the probe the enrollment belongs to. */
    @GetMapping("/{id}")
    public Map<String, Object> get(@PathVariable String id, HttpServletRequest request) {
        Principal caller = callers.require(request);
        Enrollment enrollment = service.require(id);
        boolean owner = caller.kind() == PrincipalKind.PROBE && caller.id() == enrollment.principalId();
        if (caller.kind() != PrincipalKind.ADMIN && !owner) {
            throw ApiProblem.forbidden("only administrators and the enrolling probe may read this enrollment");
        }
        return service.view(enrollment);
    }

    @RequiresAdmin
    @PostMapping("/{id}/approve")
    public Map<String, Object> approve(@PathVariable String id, HttpServletRequest request) {
        return service.view(service.approve(id, request.getHeader(Callers.HEADER)));
    }

    @RequiresAdmin
    @PostMapping("/{id}/reject")
    public Map<String, Object> reject(@PathVariable String id, @RequestBody(required = false) Reject body,
                                      HttpServletRequest request) {
        return service.view(service.reject(id, body == null ? null : body.reason(), request.getHeader(Callers.HEADER)));
    }
}
