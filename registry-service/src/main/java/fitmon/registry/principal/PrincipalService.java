package fitmon.registry.principal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fitmon.registry.access.AccessRepository;
import fitmon.registry.access.AccessService;
import fitmon.registry.access.Names;
import fitmon.registry.apikey.ApiKeyService;
import fitmon.registry.apikey.IssuedApiKey;
import fitmon.registry.ca.CertificateRepository;
import fitmon.registry.config.Times;
import fitmon.registry.enrollment.BootstrapTokens;
import fitmon.registry.web.ApiProblem;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating, showing and changing principals, with their keys, groups and bootstrap tokens. */
@Service
public class PrincipalService {

    private final PrincipalRepository principals;
    private final AccessRepository access;
    private final AccessService accessService;
    private final ApiKeyService apiKeys;
    private final BootstrapTokens bootstrapTokens;
    private final CertificateRepository certificates;

    public PrincipalService(PrincipalRepository principals, AccessRepository access, AccessService accessService,
                            ApiKeyService apiKeys, BootstrapTokens bootstrapTokens, CertificateRepository certificates) {
        this.principals = principals;
        this.access = access;
        this.accessService = accessService;
        this.apiKeys = apiKeys;
        this.bootstrapTokens = bootstrapTokens;
        this.certificates = certificates;
    }

    /** A new principal with its first API key and, for a probe, its one-time bootstrap token. */
    public record Created(Principal principal, List<String> groups, IssuedApiKey apiKey, String bootstrapToken) {
    }

    @Transactional
    public Created create(String name, String kindText, List<String> groups) {
        Names.requireName("principal name", name);
        if (kindText == null) {
            throw ApiProblem.validation("kind is required: one of ADMIN, OPERATOR, PROBE, CONSOLE");
        }
        PrincipalKind kind = PrincipalKind.parse(kindText).orElseThrow(() -> ApiProblem.validation(
                "kind must be one of ADMIN, OPERATOR, PROBE, CONSOLE, not '" + Names.shorten(kindText) + "'"));
        List<Long> groupIds = accessService.groupIds(groups == null ? List.of(kind.defaultGroup()) : groups);
        if (principals.findByName(name).isPresent()) {
            throw ApiProblem.conflict("NAME_TAKEN", "a principal named '" + name + "' already exists");
        }
        long id;
        try {
            id = principals.insert(name, kind, Times.now());
        } catch (DuplicateKeyException e) {
            throw ApiProblem.conflict("NAME_TAKEN", "a principal named '" + name + "' already exists");
        }
        access.setGroupsOfPrincipal(id, groupIds);
        IssuedApiKey key = apiKeys.create(id);
        String token = kind == PrincipalKind.PROBE ? bootstrapTokens.issue(id) : null;
        Principal principal = principals.findById(id).orElseThrow();
        return new Created(principal, access.groupsOfPrincipal(id), key, token);
    }

    public Principal require(String name) {
        return principals.findByName(name).orElseThrow(() -> ApiProblem.notFound("PRINCIPAL_NOT_FOUND",
                "no principal named '" + Names.shorten(name) + "'"));
    }

    public List<Map<String, Object>> list() {
        return principals.findAll().stream().map(this::summary).toList();
    }

    public Map<String, Object> summary(Principal principal) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", principal.id());
        view.put("name", principal.name());
        view.put("kind", principal.kind().name());
        view.put("enabled", principal.enabled());
        view.put("groups", access.groupsOfPrincipal(principal.id()));
        view.put("createdAt", Times.text(principal.createdAt()));
        return view;
    }

    public Map<String, Object> detail(String name) {
        Principal principal = require(name);
        Map<String, Object> view = summary(principal);
        view.put("permissions", access.effectivePermissions(principal.id()));
        view.put("priority", access.priority(principal.id()));
        view.put("keys", apiKeys.ofPrincipal(principal.id()).stream().map(key -> {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("keyId", key.keyId());
            k.put("createdAt", Times.text(key.createdAt()));
            k.put("revokedAt", Times.text(key.revokedAt()));
            return k;
        }).toList());
        view.put("certificates", certificates.ofPrincipal(principal.id()).stream().map(cert -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("serial", cert.serial());
            c.put("notAfter", Times.text(cert.notAfter()));
            c.put("revokedAt", Times.text(cert.revokedAt()));
            return c;
        }).toList());
        return view;
    }

    @Transactional
    public Map<String, Object> update(String name, Boolean enabled, List<String> groups) {
        if (enabled == null && groups == null) {
            throw ApiProblem.validation("nothing to change: send \"enabled\" and/or \"groups\"");
        }
        Principal principal = require(name);
        if (groups != null) {
            access.setGroupsOfPrincipal(principal.id(), accessService.groupIds(groups));
        }
        if (enabled != null && enabled != principal.enabled()) {
            if (!enabled && principal.kind() == PrincipalKind.ADMIN && principals.countEnabled(PrincipalKind.ADMIN) <= 1) {
                throw ApiProblem.conflict("LAST_ADMIN", "'" + name + "' is the last enabled ADMIN; enable another first");
            }
            principals.setEnabled(principal.id(), enabled);
        }
        return detail(name);
    }

    @Transactional
    public IssuedApiKey addKey(String name) {
        return apiKeys.create(require(name).id());
    }

    @Transactional
    public void revokeKey(String name, String keyId) {
        Principal principal = require(name);
        if (!apiKeys.revoke(principal.id(), keyId)) {
            throw ApiProblem.notFound("API_KEY_NOT_FOUND", "principal '" + name + "' has no API key '"
                    + Names.shorten(keyId) + "'");
        }
    }

    @Transactional
    public String newBootstrapToken(String name) {
        Principal principal = require(name);
        if (principal.kind() != PrincipalKind.PROBE) {
            throw ApiProblem.conflict("NOT_A_PROBE", "bootstrap tokens are for PROBE principals; '" + name + "' is "
                    + principal.kind());
        }
        return bootstrapTokens.issue(principal.id());
    }
}
