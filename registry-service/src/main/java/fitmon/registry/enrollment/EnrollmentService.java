package fitmon.registry.enrollment;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import fitmon.registry.ca.CertificateRepository;
import fitmon.registry.ca.FitmonCa;
import fitmon.registry.ca.IssuedCertificate;
import fitmon.registry.config.Times;
import fitmon.registry.principal.Principal;
import fitmon.registry.principal.PrincipalKind;
import fitmon.registry.principal.PrincipalRepository;
import fitmon.registry.web.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Probe enrollment: a probe proves itself with its bootstrap token and submits a CSR; an
 * administrator approves (the CA issues the certificate) or rejects it.
 */
@Service
public class EnrollmentService {

    public static final List<String> STATUSES = List.of("PENDING", "APPROVED", "REJECTED");
    private static final String SELECT = "SELECT e.id, e.principal_id, p.name, e.csr_pem, e.status, e.created_at, "
            + "e.decided_at, e.reason, e.certificate_serial FROM enrollments e JOIN principals p ON p.id = e.principal_id ";

    private final JdbcClient jdbc;
    private final BootstrapTokens tokens;
    private final PrincipalRepository principals;
    private final CertificateRepository certificates;
    private final FitmonCa ca;

    public EnrollmentService(JdbcClient jdbc, BootstrapTokens tokens, PrincipalRepository principals,
                             CertificateRepository certificates, FitmonCa ca) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.principals = principals;
        this.certificates = certificates;
        this.ca = ca;
    }

    @Transactional
    public Enrollment submit(String bootstrapToken, String csrPem) {
        Instant now = Times.now();
        long principalId = tokens.check(bootstrapToken, now);
        Principal probe = principals.findById(principalId).orElseThrow();
        if (probe.kind() != PrincipalKind.PROBE) {
            throw ApiProblem.forbidden("'" + probe.name() + "' is not a probe");
        }
        if (!probe.enabled()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "PRINCIPAL_DISABLED", "probe '" + probe.name() + "' is disabled");
        }
        CsrCheck.verify(csrPem, probe.name());
        if (!tokens.consume(bootstrapToken, now)) {
            throw new ApiProblem(HttpStatus.CONFLICT, "TOKEN_USED", "the bootstrap token was just used by another request");
        }
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO enrollments (id, principal_id, csr_pem, status, created_at) "
                        + "VALUES (:id, :principalId, :csr, 'PENDING', :now)")
                .param("id", id).param("principalId", principalId).param("csr", csrPem.trim()).param("now", Times.sql(now))
                .update();
        return require(id);
    }

    public List<Enrollment> list(String status) {
        if (status == null) {
            return jdbc.sql(SELECT + "ORDER BY e.created_at, e.id").query(EnrollmentService::map).list();
        }
        if (!STATUSES.contains(status)) {
            throw ApiProblem.validation("status must be one of " + STATUSES);
        }
        return jdbc.sql(SELECT + "WHERE e.status = :status ORDER BY e.created_at, e.id").param("status", status)
                .query(EnrollmentService::map).list();
    }

    public Optional<Enrollment> find(String id) {
        if (!isUuid(id)) {
            return Optional.empty();
        }
        return jdbc.sql(SELECT + "WHERE e.id = :id").param("id", id).query(EnrollmentService::map).optional();
    }

    public Enrollment require(String id) {
        return find(id).orElseThrow(() -> ApiProblem.notFound("ENROLLMENT_NOT_FOUND",
                "no enrollment with id '" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'"));
    }

    @Transactional
    public Enrollment approve(String id, String admin) {
        Enrollment enrollment = require(id);
        requirePending(enrollment);
        PublicKey key = CsrCheck.verify(enrollment.csrPem(), enrollment.probeId());
        Instant now = Times.now();
        X509Certificate certificate = ca.issueProbeCertificate(enrollment.probeId(), key, now);
        String serial = CertificateRepository.serialHex(certificate.getSerialNumber());
        certificates.insert(serial, enrollment.principalId(), FitmonCa.pem(certificate), now,
                certificate.getNotAfter().toInstant());
        int changed = jdbc.sql("UPDATE enrollments SET status = 'APPROVED', decided_at = :now, decided_by = :admin, "
                        + "certificate_serial = :serial WHERE id = :id AND status = 'PENDING'")
                .param("now", Times.sql(now)).param("admin", admin).param("serial", serial).param("id", id).update();
        if (changed != 1) {
            throw alreadyDecided(require(id));
        }
        return require(id);
    }

    @Transactional
    public Enrollment reject(String id, String reason, String admin) {
        if (reason != null && reason.length() > 1000) {
            throw ApiProblem.validation("reason must be at most 1000 characters");
        }
        Enrollment enrollment = require(id);
        requirePending(enrollment);
        int changed = jdbc.sql("UPDATE enrollments SET status = 'REJECTED', decided_at = :now, decided_by = :admin, "
                        + "reason = :reason WHERE id = :id AND status = 'PENDING'")
                .param("now", Times.sql(Times.now())).param("admin", admin).param("reason", reason).param("id", id)
                .update();
        if (changed != 1) {
            throw alreadyDecided(require(id));
        }
        return require(id);
    }

    /** The enrollment as the API shows it: with the certificate once approved, and the CA certificate. */
    public Map<String, Object> view(Enrollment enrollment) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", enrollment.id());
        view.put("probeId", enrollment.probeId());
        view.put("status", enrollment.status());
        view.put("createdAt", Times.text(enrollment.createdAt()));
        view.put("decidedAt", Times.text(enrollment.decidedAt()));
        view.put("reason", enrollment.reason());
        view.put("certificate", enrollment.certificateSerial() == null ? null
                : certificates.find(enrollment.certificateSerial()).map(IssuedCertificate::pem).orElse(null));
        view.put("caCertificate", ca.certificatePem());
        return view;
    }

    private static void requirePending(Enrollment enrollment) {
        if (!"PENDING".equals(enrollment.status())) {
            throw alreadyDecided(enrollment);
        }
    }

    private static ApiProblem alreadyDecided(Enrollment enrollment) {
        return ApiProblem.conflict("ALREADY_DECIDED", "enrollment " + enrollment.id() + " was already "
                + enrollment.status().toLowerCase(java.util.Locale.ROOT) + " at " + enrollment.decidedAt());
    }

    private static boolean isUuid(String id) {
        try {
            return id != null && id.length() == 36 && UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Enrollment map(ResultSet rs, int row) throws SQLException {
        return new Enrollment(rs.getString("id"), rs.getLong("principal_id"), rs.getString("name"),
                rs.getString("csr_pem"), rs.getString("status"), Times.read(rs, "created_at"),
                Times.read(rs, "decided_at"), rs.getString("reason"), rs.getString("certificate_serial"));
    }
}
