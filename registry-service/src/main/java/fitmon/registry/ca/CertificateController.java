package fitmon.registry.ca;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fitmon.registry.config.Times;
import fitmon.registry.web.ApiProblem;
import fitmon.registry.web.RequiresAdmin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The CA certificate (public), certificate revocation and the list of revoked certificates. */
@RestController
public class CertificateController {

    private final FitmonCa ca;
    private final CertificateRepository certificates;

    public CertificateController(FitmonCa ca, CertificateRepository certificates) {
        this.ca = ca;
        this.certificates = certificates;
    }

    @GetMapping("/api/v1/ca")
    public Map<String, String> ca() {
        return Map.of("certificate", ca.certificatePem(), "publicKey", ca.publicKeyBase64());
    }

    @RequiresAdmin
    @PostMapping("/api/v1/certificates/{serial}/revoke")
    public Map<String, Object> revoke(@PathVariable String serial) {
        String canonical = CertificateRepository.normalize(serial).orElseThrow(() -> notFound(serial));
        certificates.find(canonical).orElseThrow(() -> notFound(serial));
        certificates.revoke(canonical, Times.now());
        return revokedView(certificates.find(canonical).orElseThrow(() -> notFound(serial)));
    }

    @RequiresAdmin
    @GetMapping("/api/v1/certificates/revoked")
    public Map<String, List<Map<String, Object>>> revoked() {
        return Map.of("revoked", certificates.revoked().stream().map(CertificateController::revokedView).toList());
    }

    public static Map<String, Object> revokedView(IssuedCertificate certificate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("serial", certificate.serial());
        view.put("probeId", certificate.probeId());
        view.put("revokedAt", Times.text(certificate.revokedAt()));
        // what the gateway orders into the replicas' revoked set: every certificate in this table is a probe's
        view.put("kind", "PROBE");
        view.put("notAfter", Times.text(certificate.notAfter()));
        return view;
    }

    public static ApiProblem notFound(String serial) {
        return ApiProblem.notFound("CERTIFICATE_NOT_FOUND", "no certificate with serial '"
                + (serial.length() > 64 ? serial.substring(0, 64) + "..." : serial) + "'");
    }
}
