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
    private final ReplicaReadToken token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ReplicaReader(ClusterProperties cluster, ReplicaReadToken token) {
        this.cluster = cluster;
        this.token = token;
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
            Voted voted = attempt(pathAndQuery, comparable, attempt == ATTEMPTS);
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

    /**
     * One round of reads. An answer is returned once f+1 replicas gave it and no other answer can
     * still reach f+1 with the replies outstanding. Right after a write, the f+1 replicas that
     * confirmed it and the others that have not applied it yet can form two groups of f+1 (2 and
     * 2 of 4): then the round is inconclusive and read again shortly, so a client reads its own
     * write; only the last round settles for the larger group.
     *
     * @return null when no answer is settled this round
     */
    private Voted attempt(String pathAndQuery, Function<JsonNode, JsonNode> comparable, boolean last) {
        List<String> urls = cluster.replicaUrls();
        String bearer = token.token();
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.BlockingQueue<java.util.Optional<Voted>> arrived =
                new java.util.concurrent.LinkedBlockingQueue<>();
        for (String base : urls) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + pathAndQuery))
                    .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(3)).GET().build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(response -> toVoted(response, refusals))
                    .exceptionally(failure -> null)
                    .thenAccept(voted -> arrived.add(java.util.Optional.ofNullable(voted)));
        }
        int quorum = cluster.f() + 1;
        try {
            return vote(arrived, urls.size(), quorum, comparable, last);
        } finally {
            // f+1 refusals: not the lie of up to f faulty replicas, the token is no longer good
            if (refusals.get() >= quorum) {
                token.refused(bearer);
            }
        }
    }

    private Voted vote(java.util.concurrent.BlockingQueue<java.util.Optional<Voted>> arrived, int replicas, int quorum,
                       Function<JsonNode, JsonNode> comparable, boolean last) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Voted> answers = new HashMap<>();
        for (int outstanding = replicas; outstanding > 0; ) {
            java.util.Optional<Voted> next;
            try {
                next = arrived.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (next == null) {
                break; // the HTTP client's own timeout (3 s) should have answered first
            }
            outstanding--;
            if (next.isPresent()) {
                Voted voted = next.get();
                String key = voted.status() + " " + (voted.body() == null ? "" : comparable.apply(voted.body()).toString());
                counts.merge(key, 1, Integer::sum);
                answers.putIfAbsent(key, voted);
            }
            Voted settled = settled(counts, answers, quorum, outstanding);
            if (settled != null) {
                return settled;
            }
        }
        if (last) {
            return counts.entrySet().stream().filter(e -> e.getValue() >= quorum)
                    .max(Map.Entry.comparingByValue()).map(e -> answers.get(e.getKey())).orElse(null);
        }
        return null;
    }

    /**
     * The answer of f+1 replicas that no other answer can match any more, if there is one: no
     * other answer has f+1, none can reach it with the replies outstanding, and the outstanding
     * replies cannot form f+1 of a new answer among themselves.
     */
    private static Voted settled(Map<String, Integer> counts, Map<String, Voted> answers, int quorum, int outstanding) {
        String leading = null;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (entry.getValue() >= quorum) {
                if (leading != null) {
                    return null; // two answers of f+1 each: inconclusive
                }
                leading = entry.getKey();
            }
        }
        if (leading == null || outstanding >= quorum) {
            return null;
        }
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (!entry.getKey().equals(leading) && entry.getValue() + outstanding >= quorum) {
                return null; // another answer could still reach f+1
            }
        }
        return answers.get(leading);
    }

    /**
     * A replica's answer. A refused token counts as no answer (and is counted: f+1 refusals make
     * the next read get a new token); so does a replica that cannot check tokens right now.
     */
    private static Voted toVoted(HttpResponse<byte[]> response, java.util.concurrent.atomic.AtomicInteger refusals) {
        if (response.statusCode() == 401) {
            refusals.incrementAndGet();
            return null;
        }
        if (response.statusCode() == 503) {
            return null;
        }
        if (response.statusCode() == 200) {
            return new Voted(200, JSON.readTree(response.body()));
        }
        return new Voted(response.statusCode(), null);
    }
}
