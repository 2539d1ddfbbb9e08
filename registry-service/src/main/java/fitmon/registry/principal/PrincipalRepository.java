package fitmon.registry.principal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import fitmon.registry.config.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
public class PrincipalRepository {

    private final JdbcClient jdbc;

    public PrincipalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long insert(String name, PrincipalKind kind, Instant createdAt) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO principals (name, kind, enabled, created_at) VALUES (:name, :kind, TRUE, :createdAt)")
                .param("name", name).param("kind", kind.name()).param("createdAt", Times.sql(createdAt))
                .update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    public Optional<Principal> findByName(String name) {
        return jdbc.sql("SELECT id, name, kind, enabled, created_at FROM principals WHERE name = :name")
                .param("name", name).query(PrincipalRepository::map).optional();
    }

    public Optional<Principal> findById(long id) {
        return jdbc.sql("SELECT id, name, kind, enabled, created_at FROM principals WHERE id = :id")
                .param("id", id).query(PrincipalRepository::map).optional();
    }

    public List<Principal> findAll() {
        return jdbc.sql("SELECT id, name, kind, enabled, created_at FROM principals ORDER BY name")
                .query(PrincipalRepository::map).list();
    }

    public boolean anyOfKind(PrincipalKind kind) {
        return jdbc.sql("SELECT COUNT(*) FROM principals WHERE kind = :kind").param("kind", kind.name())
                .query(Long.class).single() > 0;
    }

    public long countEnabled(PrincipalKind kind) {
        return jdbc.sql("SELECT COUNT(*) FROM principals WHERE kind = :kind AND enabled = TRUE")
                .param("kind", kind.name()).query(Long.class).single();
    }

    public void setEnabled(long id, boolean enabled) {
        jdbc.sql("UPDATE principals SET enabled = :enabled WHERE id = :id").param("enabled", enabled).param("id", id)
                .update();
    }

    private static Principal map(ResultSet rs, int row) throws SQLException {
        return new Principal(rs.getLong("id"), rs.getString("name"), PrincipalKind.valueOf(rs.getString("kind")),
                rs.getBoolean("enabled"), Times.read(rs, "created_at"));
    }
}
