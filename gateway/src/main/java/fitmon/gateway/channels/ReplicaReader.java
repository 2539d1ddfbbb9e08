package fitmon.gateway.channels;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import fitmon.gateway.ordering.ClusterProperties;
import fitmon.gateway.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads go to every replica's read API and the gateway answers what f+1 replicas return alike, so
 * up to f lying replicas cannot change an answer. Replicas apply ordered commands at slightly
 * different moments, so a read without f+1 equal answers is retried a few times.
 */
@Component
public class ReplicaReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 5;
    private static final long RETRY_MILLIS = 150;

    /** A voted answer: the HTTP status f+1 replicas agree on and, for 200, the body. */
    public record Voted(int status, JsonNode body) {
    }

    private final ClusterProperties cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ReplicaReader(ClusterProperties cluster) {
        this.cluster = cluster;
    }

    public Voted read(String pathAndQuery) {
        return read(pathAndQuery, Function.identity());
    }

    /**
     * @param comparable what of an answer must be equal for it to count as the same answer (for
     *                   example, without fields each replica keeps locally)
     */
    public Voted read(String pathAndQuery, Function<JsonNode, JsonNode> comparable) {
        for (int attempt = 1; ; attempt++) {
            Voted voted = attempt(pathAndQuery, comparable);
            if (voted != null) {
                return voted;
            }
            if (attempt == ATTEMPTS) {
                throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "NO_READ_QUORUM",
                        "fewer than f+1 = " + (cluster.f() + 1) + " replicas returned the same answer; retry shortly",
                        Map.of("Retry-After", "2"));
            }
            try {
                Thread.sleep(RETRY_MILLIS * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "NO_READ_QUORUM", "interrupted");
            }
        }
    }

    private Voted attempt(String pathAndQuery, Function<JsonNode, JsonNode> comparable) {
        List<CompletableFuture<Voted>> answers = new ArrayList<>();
        for (String base : cluster.replicaUrls()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + pathAndQuery))
                    .timeout(Duration.ofSeconds(3)).GET().build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(ReplicaReader::toVoted)
                    .exceptionally(failure -> null));
        }
        Map<String, Integer> counts = new HashMap<>();
        for (CompletableFuture<Voted> answer : answers) {
            Voted voted = answer.join();
            if (voted == null) {
                continue;
            }
            String key = voted.status() + " " + (voted.body() == null ? "" : comparable.apply(voted.body()).toString());
            if (counts.merge(key, 1, Integer::sum) >= cluster.f() + 1) {
                return voted;
            }
        }
        return null;
    }

    private static Voted toVoted(HttpResponse<byte[]> response) {
        if (response.statusCode() == 200) {
            return new Voted(200, JSON.readTree(response.body()));
        }
        return new Voted(response.statusCode(), null);
    }
}
