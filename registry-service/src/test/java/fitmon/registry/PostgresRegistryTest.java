package fitmon.registry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every scenario on the machine's PostgreSQL ({@code fitmon.test.postgres.url}, default
 * 127.0.0.1:5432/test as postgres), in a schema of its own that is dropped afterwards.
 */
@DirtiesContext
class PostgresRegistryTest extends RegistryScenarios {

    static final String URL = System.getProperty("fitmon.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("fitmon.test.postgres.user", "postgres");
    static final String PASSWORD = System.getProperty("fitmon.test.postgres.password", "");
    private static final String SCHEMA = "registry_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final Path DATA = EmbeddedDatabaseRegistryTest.temporaryDirectory();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        execute("CREATE SCHEMA " + SCHEMA);
        registry.add("spring.datasource.url", () -> URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> PASSWORD);
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("fitmon.registry.data-dir", DATA::toString);
        registry.add("fitmon.registry.service-token", () -> SERVICE_TOKEN);
        registry.add("fitmon.registry.bootstrap.key-file", () -> DATA.resolve("admin-key.json").toString());
    }

    @AfterAll
    static void dropSchema() {
        execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Override
    Path adminKeyFile() {
        return DATA.resolve("admin-key.json");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL + " (user " + USER + ") is needed for this test: "
                    + e.getMessage(), e);
        }
    }
}
