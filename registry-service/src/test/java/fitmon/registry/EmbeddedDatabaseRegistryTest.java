package fitmon.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import fitmon.testkit.StreamedUpload;

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

    @Test
    void aBodyStreamedPastTheLimitIsRefusedBeforeTheClientFinishesSending() throws Exception {
        // 64 MiB chunked, from a caller holding the service token: refused after 1 MiB
        StreamedUpload.Answer answer = StreamedUpload.chunked(port, "POST", "/api/v1/principals",
                Map.of("X-Fitmon-Service-Token", SERVICE_TOKEN, "X-Fitmon-Principal", ADMIN,
                        "Content-Type", "application/json"), "{\"name\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                64L << 20);
        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("\"code\":\"BODY_TOO_LARGE\"");
        assertThat(answer.bodyCompleted()).as("answered before the body ended").isFalse();

        StreamedUpload.Answer declared = StreamedUpload.declared(port, "POST", "/api/v1/principals",
                Map.of("X-Fitmon-Service-Token", SERVICE_TOKEN, "Content-Type", "application/json"), 1L << 30, 0);
        assertThat(declared.status()).isEqualTo(413);
    }

    @Test
    void multipartTraceAndWrongMethodsAreProblemJson() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String[][] calls = {{"TRACE", "/api/v1/principals", "", "405"},
                {"POST", "/api/v1/principals", "multipart/form-data; boundary=b", "415"},
                {"PATCH", "/api/v1/principals", "application/json", "405"}};
        for (String[] call : calls) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call[1]))
                    .header("X-Fitmon-Service-Token", SERVICE_TOKEN).header("X-Fitmon-Principal", ADMIN)
                    .method(call[0], call[2].isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n"));
            if (!call[2].isEmpty()) {
                request.header("Content-Type", call[2]);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(call[0] + " " + call[2] + ": " + response.body())
                    .isEqualTo(Integer.parseInt(call[3]));
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(response.body()).contains("\"code\":");
        }
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
