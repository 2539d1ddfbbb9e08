package fitmon.registry.access;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import fitmon.registry.web.ApiProblem;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Roles and groups as the administration API shows and changes them. */
@Service
public class AccessService {

    private final AccessRepository access;

    public AccessService(AccessRepository access) {
        this.access = access;
    }

    public record RoleView(String name, int priority, List<Permission> permissions) {
    }

    public record GroupView(String name, List<String> roles) {
    }

    public List<RoleView> roles() {
        return access.roles().stream()
                .map(role -> new RoleView(role.name(), role.priority(), access.permissionsOfRole(role.id()))).toList();
    }

    public List<GroupView> groups() {
        return access.groups().stream().map(group -> new GroupView(group.name(), access.rolesOfGroup(group.id())))
                .toList();
    }

    @Transactional
    public RoleView createRole(String name, Integer priority, List<Permission> permissions) {
        Names.requireName("role name", name);
        int effective = priority == null ? AccessRepository.DEFAULT_PRIORITY : priority;
        if (effective < 1 || effective > 100) {
            throw ApiProblem.validation("role priority must be between 1 and 100, not " + effective);
        }
        LinkedHashSet<Permission> unique = new LinkedHashSet<>();
        for (Permission permission : permissions == null ? List.<Permission>of() : permissions) {
            unique.add(Names.requirePermission(permission));
        }
        if (access.roleId(name).isPresent()) {
            throw ApiProblem.conflict("NAME_TAKEN", "a role named '" + name + "' already exists");
        }
        try {
            long id = access.insertRole(name, effective);
            for (Permission permission : unique) {
                access.insertPermission(id, permission);
            }
            return new RoleView(name, effective, access.permissionsOfRole(id));
        } catch (DuplicateKeyException e) {
            throw ApiProblem.conflict("NAME_TAKEN", "a role named '" + name + "' already exists");
        }
    }

    @Transactional
    public GroupView createGroup(String name, List<String> roles) {
        Names.requireName("group name", name);
        List<Long> roleIds = new ArrayList<>();
        for (String role : new LinkedHashSet<>(roles == null ? List.<String>of() : roles)) {
            if (role == null) {
                throw ApiProblem.validation("role names must be strings");
            }
            roleIds.add(access.roleId(role).orElseThrow(
                    () -> ApiProblem.badRequest("UNKNOWN_ROLE", "no role named '" + Names.shorten(role) + "'")));
        }
        if (access.groupId(name).isPresent()) {
            throw ApiProblem.conflict("NAME_TAKEN", "a group named '" + name + "' already exists");
        }
        try {
            long id = access.insertGroup(name);
            for (Long roleId : roleIds) {
                access.addRoleToGroup(id, roleId);
            }
            return new GroupView(name, access.rolesOfGroup(id));
        } catch (DuplicateKeyException e) {
            throw ApiProblem.conflict("NAME_TAKEN", "a group named '" + name + "' already exists");
        }
    }

    /** The ids of named groups, refusing unknown ones. */
    public List<Long> groupIds(List<String> names) {
        List<Long> ids = new ArrayList<>();
        for (String group : new LinkedHashSet<>(names)) {
            if (group == null) {
                throw ApiProblem.validation("group names must be strings");
            }
            ids.add(access.groupId(group).orElseThrow(
                    () -> ApiProblem.badRequest("UNKNOWN_GROUP", "no group named '" + Names.shorten(group) + "'")));
        }
        return ids;
    }
}
