package fitmon.client.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Sends one lab verb to the local suite running with a given data directory, found through its
 * {@link LabEndpoint} file; what {@code fitmon lab} uses.
 */
public final class LabClient {

    /** Long enough for a restarted service to start and answer (the suite waits for that). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(4);

    private final Path data;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param data the suite's data directory ({@code fitmon local --data}) */
    public LabClient(Path data) {
        this.data = data;
    }

    /**
     * Runs {@code verb} on {@code target} (a service name, a replica's number, or empty for
     * {@code status}) and returns the suite's answer.
     *
     * @throws LabException the suite is not running, or it refused; the message says which and why
     */
    public String send(String verb, String target) throws IOException, InterruptedException {
        LabEndpoint endpoint = LabEndpoint.read(data);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/lab/" + verb))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + endpoint.token())
                .POST(HttpRequest.BodyPublishers.ofString(target == null ? "" : target, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LabException(LabException.Kind.NOT_RUNNING, "the fitmon local of " + LabEndpoint.file(data)
                    .toAbsolutePath().normalize() + " (pid " + endpoint.pid() + ") does not answer on 127.0.0.1:"
                    + endpoint.port() + " (" + e.getClass().getSimpleName() + "): it is not running any more");
        }
        String text = response.body().stripTrailing();
        if (response.statusCode() != LabAnswer.OK) {
            throw new LabException(LabException.Kind.REFUSED, text);
        }
        return text;
    }
}
