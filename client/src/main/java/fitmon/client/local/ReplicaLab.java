package fitmon.client.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The replicas' lab endpoints ({@code PUT /api/v1/lab}), for a suite started with {@code --lab}:
 * the token they share is written 0600 to the data directory before any replica reads it.
 */
final class ReplicaLab {

    static final String TOKEN_FILE = "lab-replica-token";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> replicaUrls;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private ReplicaLab(Map<String, String> replicaUrls, String token) {
        this.replicaUrls = Map.copyOf(replicaUrls);
        this.token = token;
    }

    /** Writes a new token to {@code data/lab-replica-token} (0600); returns the lab and the file. */
    static ReplicaLab create(Path data, Map<String, String> replicaUrls) throws IOException {
        Path file = tokenFile(data);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String token = LabEndpoint.newToken();
        Files.writeString(file, token, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return new ReplicaLab(replicaUrls, token);
    }

    static Path tokenFile(Path data) {
        return data.resolve(TOKEN_FILE);
    }

    /** The replica arguments that put it in lab mode. */
    static List<String> arguments(Path data) {
        return List.of("--fitmon.broker.lab.enabled=true", "--fitmon.broker.lab.token-file=" + tokenFile(data));
    }

    /** What a replica is doing now, for {@code fitmon lab status}: its mode, or why it cannot say. */
    String current(String replica) throws InterruptedException {
        String url = replicaUrls.get(replica);
        if (url == null) {
            return null;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/lab"))
                    .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                return "unknown (HTTP " + response.statusCode() + ")";
            }
            JsonNode view = JSON.readTree(response.body());
            List<Integer> cutOff = new java.util.ArrayList<>();
            view.path("cutOffFrom").forEach(id -> cutOff.add(id.asInt()));
            return view.path("mode").asString("unknown") + (cutOff.isEmpty() ? "" : ", cut off from replicas " + cutOff);
        } catch (IOException | JacksonException e) {
            return "unknown (no answer)";
        }
    }

    /** Cuts a replica's links to the given peers (empty: heals); the answer says whom it is cut off from now. */
    LabAnswer cutOff(String replica, List<Integer> peers) throws InterruptedException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        peers.forEach(body.putArray("cutOffFrom")::add);
        Exchange exchange = put(replica, "/api/v1/lab/links", body);
        if (exchange.failure() != null) {
            return exchange.failure();
        }
        List<Integer> now = new java.util.ArrayList<>();
        exchange.answer().path("cutOffFrom").forEach(id -> now.add(id.asInt()));
        return LabAnswer.ok(now.isEmpty() ? replica + " is connected to every peer again"
                : replica + " is cut off from replicas " + now + " (links closed and refused both ways); `fitmon lab "
                + "partition " + replica + " --from none` heals it");
    }

    /** A replica's answer to a lab change, or why there is none. */
    private record Exchange(JsonNode answer, LabAnswer failure) {
    }

    private Exchange put(String replica, String path, ObjectNode body) throws InterruptedException {
        String url = replicaUrls.get(replica);
        if (url == null) {
            return new Exchange(null, new LabAnswer(LabAnswer.UNKNOWN, "'" + replica + "' is not a replica ("
                    + String.join(", ", replicaUrls.keySet().stream().sorted().toList()) + ")"));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Exchange(null, new LabAnswer(LabAnswer.CONFLICT, replica + " does not answer at " + url + " ("
                    + e.getClass().getSimpleName() + "): is it down or paused? `fitmon lab status` shows it"));
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (JacksonException e) {
            return new Exchange(null, new LabAnswer(LabAnswer.FAILED, replica + " answered HTTP " + response.statusCode()
                    + " with something that is not JSON"));
        }
        if (response.statusCode() != 200) {
            return new Exchange(null, new LabAnswer(response.statusCode() == 400 || response.statusCode() == 409
                    ? LabAnswer.CONFLICT : LabAnswer.FAILED,
                    replica + " refused: " + answer.path("detail").asString("HTTP " + response.statusCode())));
        }
        return new Exchange(answer, null);
    }

    /** Tells a replica what to do wrong ({@code honest} to stop); the answer says what it does now. */
    LabAnswer tell(String replica, String mode, Long delayMillis) throws InterruptedException {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("mode", mode);
        if (delayMillis != null) {
            body.put("delayMillis", delayMillis);
        }
        Exchange exchange = put(replica, "/api/v1/lab", body);
        if (exchange.failure() != null) {
            return exchange.failure();
        }
        JsonNode answer = exchange.answer();
        String now = answer.path("mode").asString();
        if (now.equals("honest")) {
            return LabAnswer.ok(replica + " is honest again");
        }
        long delay = answer.path("delayMillis").asLong();
        return LabAnswer.ok(replica + " now " + answer.path("description").asString()
                + (delay > 0 ? " by " + delay + " ms" : "") + "; `fitmon lab lie " + replica
                + " --mode honest` stops it");
    }
}
