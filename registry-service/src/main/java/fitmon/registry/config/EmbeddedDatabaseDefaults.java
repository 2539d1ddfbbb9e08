package fitmon.registry.config;

import java.nio.file.Path;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * When no {@code spring.datasource.url} is configured, the registry uses an H2 file database under
 * {@code fitmon.registry.data-dir}. The path is made absolute because H2 refuses paths that are
 * implicitly relative to the working directory (such as {@code target/x}). The URL is computed when
 * it is read, not now: sources added later (test properties, for one) may still set the data dir.
 */
public class EmbeddedDatabaseDefaults implements EnvironmentPostProcessor, Ordered {

    static final String URL_PROPERTY = "spring.datasource.url";
    static final String DEFAULT_DATA_DIR = "./data/registry";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // last: any configured URL wins
        environment.getPropertySources().addLast(new EmbeddedUrl(environment));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    static String url(String dataDir) {
        return "jdbc:h2:file:" + Path.of(dataDir).toAbsolutePath().normalize().resolve("registry")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    /**
     * The environment is kept in a field, not as the property source's source: Spring Boot expands a
     * source that is itself an environment into that environment's sources, which would loop.
     */
    private static final class EmbeddedUrl extends PropertySource<Object> {

        private final ConfigurableEnvironment environment;

        EmbeddedUrl(ConfigurableEnvironment environment) {
            super("fitmonRegistryEmbeddedDatabase", new Object());
            this.environment = environment;
        }

        @Override
        public Object getProperty(String name) {
            if (!URL_PROPERTY.equals(name)) {
                return null;
            }
            return url(environment.getProperty("fitmon.registry.data-dir", DEFAULT_DATA_DIR));
        }
    }
}
