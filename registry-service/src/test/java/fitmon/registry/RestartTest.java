package fitmon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import fitmon.registry.apikey.MasterKeyMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The registry started several times on one data directory, as a local run does: state, keys and
 * the CA survive, the bootstrap admin is made only once, and a wrong master key stops the start.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartTest {

    @Test
    void stateSurvivesRestartsAndAWrongMasterKeyIsRefusedAtStart() throws Exception {
        // relative, as a local run passes it (the embedded database URL must still work)
        Path data = Path.of("target", "registry-restart-" + UUID.randomUUID());
        Path keyFile = data.resolve("admin-key.json");

        String caPem;
        String jwks;
        try (ConfigurableApplicationContext first = start(data, keyFile, null)) {
            assertThat(keyFile).exists();
            caPem = Files.readString(data.resolve("ca.cert.pem"));
            jwks = first.getBean(fitmon.registry.token.TokenSigningKey.class).publicJwks().toString();
            assertThat(Files.readString(data.resolve("master.key")).trim()).isNotEmpty();
            assertThat(Files.readString(data.resolve("service-token")).trim()).isNotEmpty();
        }
        String firstKey = Files.readString(keyFile);
        Files.delete(keyFile);

        try (ConfigurableApplicationContext second = start(data, keyFile, null)) {
            assertThat(keyFile).as("no second bootstrap admin").doesNotExist();
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM principals").query(Long.class).single()).isEqualTo(1);
            assertThat(jdbc.sql("SELECT key_id FROM api_keys").query(String.class).single())
                    .isEqualTo(RegistryHttp.JSON.readTree(firstKey).get("keyId").asString());
            assertThat(Files.readString(data.resolve("ca.cert.pem"))).isEqualTo(caPem);
            assertThat(second.getBean(fitmon.registry.token.TokenSigningKey.class).publicJwks().toString()).isEqualTo(jwks);
        }

        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        assertThatThrownBy(() -> start(data, keyFile, Base64.getEncoder().encodeToString(other)).close())
                .hasRootCauseInstanceOf(MasterKeyMismatchException.class)
                .rootCause().hasMessageContaining("not the one this registry database was created with");
        assertThatThrownBy(() -> start(data, keyFile, "c2hvcnQ=").close())
                .rootCause().hasMessageContaining("must be 32 bytes");
    }

    @Test
    void theBootstrapSecretGoesOnlyToAnOwnerOnlyFileUnlessPrintingIsAskedFor(CapturedOutput output) throws Exception {
        Path data = Path.of("target", "registry-bootstrap-" + UUID.randomUUID());
        try (ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run("--server.port=0", "--fitmon.registry.data-dir=" + data)) {
            Path keyFile = data.resolve("admin-key.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            String secret = RegistryHttp.JSON.readTree(Files.readString(keyFile)).get("secret").asString();
            assertThat(output.getOut()).contains(keyFile.toAbsolutePath().toString()).doesNotContain(secret);
            assertThat(output.getErr()).doesNotContain(secret);
        }

        Path printed = Path.of("target", "registry-bootstrap-" + UUID.randomUUID());
        try (ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run("--server.port=0", "--fitmon.registry.data-dir=" + printed,
                        "--fitmon.registry.bootstrap.print-secret=true")) {
            String secret = RegistryHttp.JSON.readTree(Files.readString(printed.resolve("admin-key.json")))
                    .get("secret").asString();
            assertThat(output.getOut()).contains(secret);
        }
    }

    private static ConfigurableApplicationContext start(Path data, Path keyFile, String masterKey) {
        // command-line arguments, as a real start passes them: they override application.yml
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--fitmon.registry.data-dir=" + data,
                "--fitmon.registry.bootstrap.key-file=" + keyFile));
        if (masterKey != null) {
            arguments.add("--fitmon.registry.master-key=" + masterKey);
        }
        return new SpringApplicationBuilder(RegistryApplication.class).run(arguments.toArray(String[]::new));
    }
}
