package fitmon.registry.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import fitmon.registry.access.AccessRepository;
import fitmon.registry.access.Names;
import fitmon.registry.apikey.ApiKey;
import fitmon.registry.apikey.ApiKeyService;
import fitmon.registry.ca.CertificateController;
import fitmon.registry.ca.CertificateRepository;
import fitmon.registry.ca.FitmonCa;
import fitmon.registry.ca.GatewayCertificateRepository;
import fitmon.registry.ca.RevokedCertificates;
import fitmon.registry.ca.IssuedCertificate;
import fitmon.registry.config.Times;
import fitmon.registry.principal.Principal;
import fitmon.registry.principal.PrincipalRepository;
import fitmon.registry.token.ConsoleTokenIssuer;
import fitmon.registry.web.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the gateway needs from the registry on its own account: API key records (with the
 * decrypted signing key), gateway certificates, certificate status and the token it reads the
 * replicas with. Service token only.
 */
@RestController
@RequestMapping("/internal/v1")
public class InternalController {

    private static final Logger log = LoggerFactory.getLogger(InternalController.class);

    private final ApiKeyService apiKeys;
    private final PrincipalRepository principals;
    private final AccessRepository access;
    private final CertificateRepository certificates;
    private final FitmonCa ca;
    private final ConsoleTokenIssuer tokens;
    private final GatewayCertificateRepository gatewayCertificates;
    private final RevokedCertificates revocations;

    public InternalController(ApiKeyService apiKeys, PrincipalRepository principals, AccessRepository access,
                              CertificateRepository certificates, FitmonCa ca, ConsoleTokenIssuer tokens,
                              GatewayCertificateRepository gatewayCertificates, RevokedCertificates revocations) {
        this.apiKeys = apiKeys;
        this.principals = principals;
        this.access = access;
        this.certificates = certificates;
        this.ca = ca;
        this.tokens = tokens;
        this.gatewayCertificates = gatewayCertificates;
        this.revocations = revocations;
    }

    /** Revoked keys and disabled principals are returned too, flagged, so the gateway can say why it refuses. */
    @GetMapping("/api-keys/{keyId}")
    public Map<String, Object> apiKey(@PathVariable String keyId) {
        ApiKey key = apiKeys.find(keyId).orElseThrow(() -> ApiProblem.notFound("API_KEY_NOT_FOUND",
                "no API key '" + Names.shorten(keyId) + "'"));
        Principal principal = principals.findById(key.principalId()).orElseThrow();
        Optional<IssuedCertificate> certificate = certificates.latestOf(principal.id());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("keyId", key.keyId());
        view.put("principal", principal.name());
        view.put("kind", principal.kind().name());
        view.put("enabled", principal.enabled());
        view.put("keyRevoked", key.revoked());
        view.put("signingKey", Base64.getEncoder().encodeToString(apiKeys.signingKey(key)));
        view.put("priority", access.priority(principal.id()));
        view.put("permissions", access.effectivePermissions(principal.id()));
        view.put("certificate", certificate.map(IssuedCertificate::pem).orElse(null));
        view.put("certificateSerial", certificate.map(IssuedCertificate::serial).orElse(null));
        view.put("certificateRevoked", certificate.map(IssuedCertificate::revoked).orElse(false));
        return view;
    }

    public record GatewayCertificateRequest(String name, String publicKey) {
    }

    @PostMapping("/gateway-certificates")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, String> gatewayCertificate(@RequestBody GatewayCertificateRequest body) {
        Names.requireName("gateway name", body.name());
        if (body.publicKey() == null || body.publicKey().isBlank()) {
            throw ApiProblem.validation("publicKey is required: base64 of the DER SubjectPublicKeyInfo of an Ed25519 key");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body.publicKey().trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw ApiProblem.validation("publicKey must be base64 of the DER SubjectPublicKeyInfo of an Ed25519 key");
        }
        var certificate = ca.issueGatewayCertificate(body.name(), key, Times.now());
        gatewayCertificates.insert(CertificateRepository.serialHex(certificate.getSerialNumber()), body.name(),
                FitmonCa.pem(certificate), certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        log.info("issued gateway certificate {} to '{}', valid until {}",
                CertificateRepository.serialHex(certificate.getSerialNumber()), body.name(),
                certificate.getNotAfter().toInstant());
        return Map.of("certificate", FitmonCa.pem(certificate), "caCertificate", ca.certificatePem());
    }

    public record ReadTokenRequest(String name) {
    }

    /**
     * A console token for a gateway to read every channel on the replicas' read API, which it
     * answers its own callers from after checking their permissions itself. Subject
     * {@code gateway/NAME}: no principal name contains a slash.
     */
    @PostMapping("/read-tokens")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, String> readToken(@RequestBody ReadTokenRequest body) {
        Names.requireName("gateway name", body.name());
        ConsoleTokenIssuer.IssuedToken token = tokens.issue("gateway/" + body.name(), "GATEWAY", java.util.List.of("*"));
        return Map.of("token", token.token(), "expiresAt", token.expiresAt().toString());
    }

    /**
     * Revoked certificates that have not expired yet, for the gateway to order into the replicas'
     * revoked set (expired ones are refused as expired anyway).
     */
    @GetMapping("/certificates/revoked")
    public Map<String, Object> revoked() {
        return Map.of("revoked", revocations.unexpired(Times.now()));
    }

    @GetMapping("/certificates/{serial}")
    public Map<String, Object> certificate(@PathVariable String serial) {
        IssuedCertificate certificate = CertificateRepository.normalize(serial).flatMap(certificates::find)
                .orElseThrow(() -> CertificateController.notFound(serial));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("serial", certificate.serial());
        view.put("probeId", certificate.probeId());
        view.put("revoked", certificate.revoked());
        view.put("notAfter", Times.text(certificate.notAfter()));
        return view;
    }
}
