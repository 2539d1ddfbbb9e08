package fitmon.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every scenario on the embedded default: the H2 file database under a fresh data directory. */
class EmbeddedDatabaseRegistryTest extends RegistryScenarios {

    private static final Path DATA = temporaryDirectory();

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) {
        registry.add("fitmon.registry.data-dir", DATA::toString);
        registry.add("fitmon.registry.service-token", () -> SERVICE_TOKEN);
        registry.add("fitmon.registry.bootstrap.key-file", () -> DATA.resolve("admin-key.json").toString());
    }

    @Test
    void theEmbeddedDatabaseLivesInTheDataDirectory() {
        assertThat(DATA.resolve("registry.mv.db")).exists();
    }

    @Override
    Path adminKeyFile() {
        return DATA.resolve("admin-key.json");
    }

    static Path temporaryDirectory() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target.toAbsolutePath(), "registry-h2-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
