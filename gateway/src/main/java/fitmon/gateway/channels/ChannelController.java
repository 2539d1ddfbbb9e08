package fitmon.gateway.channels;

import java.net.URI;
import java.util.Locale;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.gateway.admission.ScheduledOrdering;
import fitmon.gateway.auth.Action;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.auth.Authorization;
import fitmon.gateway.problem.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** Create_a_Channel, channel removal, and voted reads of channels and their logs. */
@RestController
@RequestMapping("/api/v1/channels")
@Tag(name = "channels")
public class ChannelController {

    private static final int MAX_PAGE = 1000;

    private final ScheduledOrdering ordering;
    private final ReplicaReader reader;
    private final ChannelClasses classes;

    public ChannelController(ScheduledOrdering ordering, ReplicaReader reader, ChannelClasses classes) {
        this.ordering = ordering;
        this.reader = reader;
        this.classes = classes;
    }

    @PostMapping(consumes = org.springframework.http.MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a channel (ordered); needs ADMIN on its TAG")
    public ResponseEntity<CreateChannelRequest> create(@RequestBody CreateChannelRequest body, HttpServletRequest request) {
        CreateChannel command = toCommand(body);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.ADMIN, command.tag());
        CommandResult result = ordering.execute(principal, command, false);
        Replies.requireAccepted(result);
        classes.remember(command.tag(), command.channelClass());
        return ResponseEntity.created(URI.create("/api/v1/channels/" + command.tag())).body(new CreateChannelRequest(
                command.tag(), command.channelClass().name(), command.idleTimeoutSeconds(), command.maxProbes(),
                command.maxSubscribers(), new CreateChannelRequest.Retention(command.retention().maxEvents(),
                command.retention().maxBytes())));
    }

    @DeleteMapping("/{tag}")
    @Operation(summary = "Delete a channel (ordered); subscribers are told; needs ADMIN on its TAG")
    public ResponseEntity<Void> delete(@PathVariable String tag, HttpServletRequest request) {
        Tags.require(tag);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.ADMIN, tag);
        Replies.requireAccepted(ordering.execute(principal, new DeleteChannel(tag), false));
        classes.forget(tag);
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    @Operation(summary = "Channels the caller has any permission on, as f+1 replicas report them")
    public JsonNode list(HttpServletRequest request) {
        AuthenticatedPrincipal principal = Authorization.principal(request);
        ReplicaReader.Voted voted = reader.read("/api/v1/channels", ChannelComparison::agreedList);
        ArrayNode visible = ((ArrayNode) voted.body()).arrayNode();
        for (JsonNode channel : voted.body()) {
            if (principal.sees(channel.path("tag").asString())) {
                visible.add(channel);
            }
        }
        return visible;
    }

    @GetMapping("/{tag}")
    @Operation(summary = "One channel, as f+1 replicas report it")
    public JsonNode get(@PathVariable String tag, HttpServletRequest request) {
        Tags.require(tag);
        requireVisible(request, tag);
        ReplicaReader.Voted voted = reader.read("/api/v1/channels/" + tag, ChannelComparison::agreedPart);
        if (voted.status() != 200) {
            throw notFound(tag);
        }
        return voted.body();
    }

    @GetMapping("/{tag}/events")
    @Operation(summary = "A page of a channel's retained log; needs SUBSCRIBE on its TAG")
    public JsonNode events(@PathVariable String tag, @RequestParam(defaultValue = "1") long fromSeq,
                           @RequestParam(defaultValue = "100") int limit, HttpServletRequest request) {
        Tags.require(tag);
        Authorization.require(request, Action.SUBSCRIBE, tag);
        if (fromSeq < 0) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "fromSeq must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "limit must be between 1 and " + MAX_PAGE);
        }
        ChannelClass channelClass = classes.of(tag).orElseThrow(() -> notFound(tag));
        String path = "/api/v1/channels/" + tag + "/events?fromSeq=" + fromSeq + "&limit=" + limit;
        // unordered logs are each replica's own arrival order: there is nothing to vote on
        ReplicaReader.Voted voted = channelClass.ordered() ? reader.read(path, ChannelComparison::agreedPage)
                : reader.read(path, page -> page.path("tag"));
        if (voted.status() != 200) {
            throw notFound(tag);
        }
        return voted.body();
    }

    private static void requireVisible(HttpServletRequest request, String tag) {
        AuthenticatedPrincipal principal = Authorization.principal(request);
        if (!principal.sees(tag)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "FORBIDDEN",
                    "principal '" + principal.name() + "' has no permission on channel '" + tag + "'");
        }
    }

    static ApiProblem notFound(String tag) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "CHANNEL_NOT_FOUND", "no channel '" + tag + "'");
    }

    private static CreateChannel toCommand(CreateChannelRequest body) {
        if (body == null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "a JSON body with tag and class is required");
        }
        Tags.require(body.tag());
        if (body.channelClass() == null) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
                    "class is required: one of BFT, CFT_O, CFT_NO_U, CFT_NO_NU");
        }
        ChannelClass channelClass;
        try {
            channelClass = ChannelClass.valueOf(body.channelClass().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "INVALID_REQUEST",
                    "class must be one of BFT, CFT_O, CFT_NO_U, CFT_NO_NU, got '" + body.channelClass() + "'");
        }
        ChannelRetention retention = ChannelRetention.DEFAULT;
        if (body.retention() != null) {
            retention = new ChannelRetention(
                    body.retention().maxEvents() == null ? retention.maxEvents() : body.retention().maxEvents(),
                    body.retention().maxBytes() == null ? retention.maxBytes() : body.retention().maxBytes());
        }
        return new CreateChannel(body.tag(), channelClass,
                body.idleTimeoutSeconds() == null ? CreateChannel.DEFAULT_IDLE_TIMEOUT_SECONDS : body.idleTimeoutSeconds(),
                body.maxProbes() == null ? CreateChannel.DEFAULT_MAX_PROBES : body.maxProbes(),
                body.maxSubscribers() == null ? CreateChannel.DEFAULT_MAX_SUBSCRIBERS : body.maxSubscribers(),
                retention);
    }
}
