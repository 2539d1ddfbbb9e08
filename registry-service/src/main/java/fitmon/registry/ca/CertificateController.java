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

/**
 * The CA certificate (public), the gateway certificates it issued, certificate revocation (probes'
 * and gateways') and the list of revoked certificates.
 */
@RestController
public class CertificateController {

    private final FitmonCa ca;
    private final GatewayCertificateRepository gateways;
    private final RevokedCertificates revocations;

    public CertificateController(FitmonCa ca, GatewayCertificateRepository gateways, RevokedCertificates revocations) {
        this.ca = ca;
        this.gateways = gateways;
        this.revocations = revocations;
    }

    @GetMapping("/api/v1/ca")
    public Map<String, String> ca() {
        return Map.of("certificate", ca.certificatePem(), "publicKey", ca.publicKeyBase64());
    }

    @RequiresAdmin
    @PostMapping("/api/v1/certificates/{serial}/revoke")
    public Map<String, Object> revoke(@PathVariable String serial) {
        return revocations.revoke(serial, Times.now()).orElseThrow(() -> notFound(serial));
    }

    @RequiresAdmin
    @GetMapping("/api/v1/certificates/revoked")
    public Map<String, List<Map<String, Object>>> revoked() {
        return Map.of("revoked", revocations.all());
    }

    /** Unexpired gateway certificates, newest first: a gateway gets a new one at every start. */
    @RequiresAdmin
    @GetMapping("/api/v1/gateway-certificates")
    public Map<String, List<Map<String, Object>>> gatewayCertificates() {
        return Map.of("gatewayCertificates", gateways.unexpired(Times.now()).stream().map(c -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("serial", c.serial());
            view.put("gateway", c.gatewayName());
            view.put("issuedAt", Times.text(c.issuedAt()));
            view.put("notAfter", Times.text(c.notAfter()));
            view.put("revokedAt", c.revoked() ? Times.text(c.revokedAt()) : null);
            return view;
        }).toList());
    }

    public static ApiProblem notFound(String serial) {
        return ApiProblem.notFound("CERTIFICATE_NOT_FOUND", "no certificate with serial '"
                + (serial.length() > 64 ? serial.substring(0, 64) + "..." : serial) + "'");
    }
}
