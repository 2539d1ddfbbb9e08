package fitmon.gateway.cluster;

import java.util.ArrayList;
import java.util.List;

import fitmon.gateway.ordering.ClusterProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The replica group as consoles need it: n, f and where each replica serves STOMP and its read API. */
@RestController
@Tag(name = "cluster")
public class ClusterController {

    private final ClusterProperties cluster;

    public ClusterController(ClusterProperties cluster) {
        this.cluster = cluster;
    }

    public record Replica(int id, String stompUrl, String httpUrl) {
    }

    public record ClusterResponse(int n, int f, int quorum, List<Replica> replicas) {
    }

    @GetMapping("/api/v1/cluster")
    @Operation(summary = "n, f, the f+1 vote quorum and every replica's STOMP and HTTP URL (no authentication)")
    public ClusterResponse cluster() {
        List<Replica> replicas = new ArrayList<>();
        List<String> stomp = cluster.effectiveStompUrls();
        for (int id = 0; id < cluster.n(); id++) {
            replicas.add(new Replica(id, stomp.get(id), cluster.replicaUrls().get(id)));
        }
        return new ClusterResponse(cluster.n(), cluster.f(), cluster.f() + 1, replicas);
    }
}
