package fitmon.registry.principal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fitmon.registry.apikey.IssuedApiKey;
import fitmon.registry.web.RequiresAdmin;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Principal administration. Administrators only. */
@RestController
@RequestMapping("/api/v1/principals")
public class PrincipalController {

    private final PrincipalService service;

    public PrincipalController(PrincipalService service) {
        this.service = service;
    }

    public record CreatePrincipal(String name, String kind, List<String> groups) {
    }

    public record UpdatePrincipal(Boolean enabled, List<String> groups) {
    }

    @RequiresAdmin
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> create(@RequestBody CreatePrincipal body) {
        PrincipalService.Created created = service.create(body.name(), body.kind(), body.groups());
        Map<String, Object> view = new LinkedHashMap<>(service.summary(created.principal()));
        view.put("apiKey", created.apiKey());
        view.put("bootstrapToken", created.bootstrapToken());
        return view;
    }

    @RequiresAdmin
    @GetMapping
    public Map<String, Object> list() {
        return Map.of("principals", service.list());
    }

    @RequiresAdmin
    @GetMapping("/{name}")
    public Map<String, Object> get(@PathVariable String name) {
        return service.detail(name);
    }

    @RequiresAdmin
    @PatchMapping("/{name}")
    public Map<String, Object> update(@PathVariable String name, @RequestBody UpdatePrincipal body) {
        return service.update(name, body.enabled(), body.groups());
    }

    @RequiresAdmin
    @PostMapping("/{name}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public IssuedApiKey addKey(@PathVariable String name) {
        return service.addKey(name);
    }

    @RequiresAdmin
    @DeleteMapping("/{name}/keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revokeKey(@PathVariable String name, @PathVariable String keyId) {
        service.revokeKey(name, keyId);
    }

    @RequiresAdmin
    @PostMapping("/{name}/bootstrap-token")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, String> bootstrapToken(@PathVariable String name) {
        return Map.of("bootstrapToken", service.newBootstrapToken(name));
    }
}
