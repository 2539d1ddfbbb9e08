package fitmon.gateway.channels;

import java.net.URI;

import fitmon.core.command.Subscribe;
import fitmon.core.command.Unsubscribe;
import fitmon.gateway.admission.ScheduledOrdering;
import fitmon.gateway.auth.Action;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.auth.Authorization;
import fitmon.gateway.ordering.ClusterProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Subscribe_to_Channel(TAG): the caller enters the replicated subscription table, then opens STOMP
 * {@code SUBSCRIBE /topic/channels/{tag}} on every replica listed in the answer.
 */
@RestController
@RequestMapping("/api/v1/channels/{tag}/subscriptions")
@Tag(name = "subscriptions")
public class SubscriptionController {

    private final ScheduledOrdering ordering;
    private final ClusterProperties cluster;

    public SubscriptionController(ScheduledOrdering ordering, ClusterProperties cluster) {
        this.ordering = ordering;
        this.cluster = cluster;
    }

    /** Where to receive the channel's deliveries. */
    public record SubscriptionResponse(String tag, String subscriber, String destination, java.util.List<String> replicas) {
    }

    @PostMapping
    @Operation(summary = "Subscribe the caller to a channel (ordered); needs SUBSCRIBE on the TAG")
    public ResponseEntity<SubscriptionResponse> subscribe(@PathVariable String tag, HttpServletRequest request) {
        Tags.require(tag);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.SUBSCRIBE, tag);
        Replies.requireAccepted(ordering.execute(principal, new Subscribe(tag, principal.name()), false));
        return ResponseEntity.created(URI.create("/api/v1/channels/" + tag + "/subscriptions/" + principal.name()))
                .body(new SubscriptionResponse(tag, principal.name(), "/topic/channels/" + tag,
                        cluster.effectiveStompUrls()));
    }

    @DeleteMapping
    @Operation(summary = "Unsubscribe the caller from a channel (ordered)")
    public ResponseEntity<Void> unsubscribe(@PathVariable String tag, HttpServletRequest request) {
        Tags.require(tag);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.SUBSCRIBE, tag);
        Replies.requireAccepted(ordering.execute(principal, new Unsubscribe(tag, principal.name()), false));
        return ResponseEntity.noContent().build();
    }
}
