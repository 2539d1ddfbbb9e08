package fitmon.registry.access;

import java.util.List;
import java.util.Map;

import fitmon.registry.web.RequiresAdmin;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Roles (priority and permissions) and groups (sets of roles). Administrators only. */
@RestController
@RequestMapping("/api/v1")
public class AccessController {

    private final AccessService access;

    public AccessController(AccessService access) {
        this.access = access;
    }

    public record CreateRole(String name, Integer priority, List<Permission> permissions) {
    }

    public record CreateGroup(String name, List<String> roles) {
    }

    @RequiresAdmin
    @GetMapping("/roles")
    public Map<String, Object> roles() {
        return Map.of("roles", access.roles());
    }

    @RequiresAdmin
    @PostMapping("/roles")
    @ResponseStatus(HttpStatus.CREATED)
    public AccessService.RoleView createRole(@RequestBody CreateRole body) {
        return access.createRole(body.name(), body.priority(), body.permissions());
    }

    @RequiresAdmin
    @GetMapping("/groups")
    public Map<String, Object> groups() {
        return Map.of("groups", access.groups());
    }

    @RequiresAdmin
    @PostMapping("/groups")
    @ResponseStatus(HttpStatus.CREATED)
    public AccessService.GroupView createGroup(@RequestBody CreateGroup body) {
        return access.createGroup(body.name(), body.roles());
    }
}
