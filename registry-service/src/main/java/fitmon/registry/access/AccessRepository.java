package fitmon.registry.access;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Roles, their permissions, groups, and who belongs to which group. */
@Repository
public class AccessRepository {

    public static final int DEFAULT_PRIORITY = 10;

    private final JdbcClient jdbc;

    public AccessRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Long> roleId(String name) {
        return jdbc.sql("SELECT id FROM roles WHERE name = :name").param("name", name).query(Long.class).optional();
    }

    public Optional<Long> groupId(String name) {
        return jdbc.sql("SELECT id FROM access_groups WHERE name = :name").param("name", name).query(Long.class).optional();
    }

    public long insertRole(String name, int priority) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO roles (name, priority) VALUES (:name, :priority)").param("name", name)
                .param("priority", priority).update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    public void insertPermission(long roleId, Permission permission) {
        jdbc.sql("INSERT INTO role_permissions (role_id, perm_action, tag_pattern) VALUES (:roleId, :action, :pattern)")
                .param("roleId", roleId).param("action", permission.action()).param("pattern", permission.tagPattern())
                .update();
    }

    public long insertGroup(String name) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO access_groups (name) VALUES (:name)").param("name", name).update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    public void addRoleToGroup(long groupId, long roleId) {
        jdbc.sql("INSERT INTO group_roles (group_id, role_id) VALUES (:groupId, :roleId)").param("groupId", groupId)
                .param("roleId", roleId).update();
    }

    public record RoleRow(long id, String name, int priority) {
    }

    public List<RoleRow> roles() {
        return jdbc.sql("SELECT id, name, priority FROM roles ORDER BY name")
                .query((rs, i) -> new RoleRow(rs.getLong("id"), rs.getString("name"), rs.getInt("priority"))).list();
    }

    public List<Permission> permissionsOfRole(long roleId) {
        return jdbc.sql("SELECT perm_action, tag_pattern FROM role_permissions WHERE role_id = :id "
                        + "ORDER BY perm_action, tag_pattern")
                .param("id", roleId).query((rs, i) -> new Permission(rs.getString(1), rs.getString(2))).list();
    }

    public record GroupRow(long id, String name) {
    }

    public List<GroupRow> groups() {
        return jdbc.sql("SELECT id, name FROM access_groups ORDER BY name")
                .query((rs, i) -> new GroupRow(rs.getLong("id"), rs.getString("name"))).list();
    }

    public List<String> rolesOfGroup(long groupId) {
        return jdbc.sql("SELECT r.name FROM group_roles gr JOIN roles r ON r.id = gr.role_id WHERE gr.group_id = :id "
                + "ORDER BY r.name").param("id", groupId).query(String.class).list();
    }

    public List<String> groupsOfPrincipal(long principalId) {
        return jdbc.sql("SELECT g.name FROM principal_groups pg JOIN access_groups g ON g.id = pg.group_id "
                + "WHERE pg.principal_id = :id ORDER BY g.name").param("id", principalId).query(String.class).list();
    }

    public void setGroupsOfPrincipal(long principalId, List<Long> groupIds) {
        jdbc.sql("DELETE FROM principal_groups WHERE principal_id = :id").param("id", principalId).update();
        for (Long groupId : groupIds) {
            jdbc.sql("INSERT INTO principal_groups (principal_id, group_id) VALUES (:principalId, :groupId)")
                    .param("principalId", principalId).param("groupId", groupId).update();
        }
    }

    /** Union of the permissions of every role of every group of the principal, sorted, without repeats. */
    public List<Permission> effectivePermissions(long principalId) {
        return jdbc.sql("SELECT DISTINCT rp.perm_action, rp.tag_pattern FROM principal_groups pg "
                        + "JOIN group_roles gr ON gr.group_id = pg.group_id "
                        + "JOIN role_permissions rp ON rp.role_id = gr.role_id "
                        + "WHERE pg.principal_id = :id ORDER BY rp.perm_action, rp.tag_pattern")
                .param("id", principalId).query((rs, i) -> new Permission(rs.getString(1), rs.getString(2))).list();
    }

    /** The highest priority among the principal's roles, {@value #DEFAULT_PRIORITY} when it has none. */
    public int priority(long principalId) {
        Integer max = jdbc.sql("SELECT MAX(r.priority) FROM principal_groups pg "
                        + "JOIN group_roles gr ON gr.group_id = pg.group_id JOIN roles r ON r.id = gr.role_id "
                        + "WHERE pg.principal_id = :id")
                .param("id", principalId).query(Integer.class).optional().orElse(null);
        return max == null ? DEFAULT_PRIORITY : max;
    }
}
