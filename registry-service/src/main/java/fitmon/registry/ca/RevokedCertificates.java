package fitmon.registry.ca;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import fitmon.registry.config.Times;
import org.springframework.stereotype.Component;

/**
 * Revocation across both kinds of certificate the CA issues, probes' and gateways', in the view the
 * gateway orders into the replicas' revoked set ({@code kind} PROBE or GATEWAY).
 */
@Component
public class RevokedCertificates {

    private final CertificateRepository probes;
    private final GatewayCertificateRepository gateways;

    public RevokedCertificates(CertificateRepository probes, GatewayCertificateRepository gateways) {
        this.probes = probes;
        this.gateways = gateways;
    }

    /** Revokes the certificate with this serial, whichever kind it is: its revocation view, or empty if unknown. */
    public Optional<Map<String, Object>> revoke(String serial, Instant at) {
        String canonical = CertificateRepository.normalize(serial).orElse(null);
        if (canonical == null) {
            return Optional.empty();
        }
        if (probes.find(canonical).isPresent()) {
            probes.revoke(canonical, at);
            return probes.find(canonical).map(RevokedCertificates::view);
        }
        if (gateways.find(canonical).isPresent()) {
            gateways.revoke(canonical, at);
            return gateways.find(canonical).map(RevokedCertificates::view);
        }
        return Optional.empty();
    }

    /** Every revoked certificate, oldest revocation first. */
    public List<Map<String, Object>> all() {
        return list(null);
    }

    /** Revoked certificates that have not expired yet (expired ones are refused as expired anyway). */
    public List<Map<String, Object>> unexpired(Instant now) {
        return list(now);
    }

    private List<Map<String, Object>> list(Instant unexpiredAt) {
        record Entry(Instant revokedAt, String serial, Instant notAfter, Map<String, Object> view) {
        }
        List<Entry> entries = new ArrayList<>();
        probes.revoked().forEach(c -> entries.add(new Entry(c.revokedAt(), c.serial(), c.notAfter(), view(c))));
        gateways.revoked().forEach(c -> entries.add(new Entry(c.revokedAt(), c.serial(), c.notAfter(), view(c))));
        return entries.stream().filter(e -> unexpiredAt == null || e.notAfter().isAfter(unexpiredAt))
                .sorted(Comparator.comparing(Entry::revokedAt).thenComparing(Entry::serial)).map(Entry::view).toList();
    }

    static Map<String, Object> view(IssuedCertificate certificate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("serial", certificate.serial());
        view.put("probeId", certificate.probeId());
        view.put("revokedAt", Times.text(certificate.revokedAt()));
        view.put("kind", "PROBE");
        view.put("notAfter", Times.text(certificate.notAfter()));
        return view;
    }

    static Map<String, Object> view(IssuedGatewayCertificate certificate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("serial", certificate.serial());
        view.put("gateway", certificate.gatewayName());
        view.put("revokedAt", Times.text(certificate.revokedAt()));
        view.put("kind", "GATEWAY");
        view.put("notAfter", Times.text(certificate.notAfter()));
        return view;
    }
}
