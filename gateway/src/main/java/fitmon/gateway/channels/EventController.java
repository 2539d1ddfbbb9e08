package fitmon.gateway.channels;

import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.RejectReason;
import fitmon.gateway.admission.GroupCommit;
import fitmon.gateway.admission.OverloadedException;
import fitmon.gateway.admission.ScheduledOrdering;
import fitmon.gateway.auth.Action;
import fitmon.gateway.auth.AuthenticatedPrincipal;
import fitmon.gateway.auth.Authorization;
import fitmon.gateway.ordering.Heartbeats;
import fitmon.gateway.problem.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publish(TAG, M): one envelope or {@code {"events":[...]}}. The gateway checks what it can
 * without consensus (the caller's permission, that a probe publishes only its own events, its
 * certificate not revoked), then orders the events (with concurrent publishes to the channel, see
 * {@link GroupCommit}) and answers 202 with each event's outcome once f+1 replicas confirmed it.
 */
@RestController
@RequestMapping("/api/v1/channels/{tag}/events")
@Tag(name = "events")
public class EventController {

    private final ScheduledOrdering ordering;
    private final GroupCommit groupCommit;
    private final ChannelClasses classes;
    private final PublishChecks checks;
    private final Heartbeats heartbeats;

    public EventController(ScheduledOrdering ordering, GroupCommit groupCommit, ChannelClasses classes, PublishChecks checks,
                           Heartbeats heartbeats) {
        this.ordering = ordering;
        this.groupCommit = groupCommit;
        this.classes = classes;
        this.checks = checks;
        this.heartbeats = heartbeats;
    }

    /** One event's outcome, in the order sent. */
    public record EventResult(String status, Long channelSeq, String orderedAt, String probeId, Long seq, String code,
                              String detail) {
    }

    public record PublishResponse(String tag, int accepted, int refused, List<Long> channelSeqs, List<EventResult> results) {
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Publish one event or a batch; needs PUBLISH on the TAG")
    public ResponseEntity<PublishResponse> publish(@PathVariable String tag, @RequestBody byte[] body,
                                                   HttpServletRequest request) {
        Tags.require(tag);
        AuthenticatedPrincipal principal = Authorization.require(request, Action.PUBLISH, tag);
        PublishBody parsed = PublishBody.parse(body);
        checks.check(principal, tag, parsed.events());
        ChannelClass channelClass = classes.of(tag).orElseThrow(() -> ChannelController.notFound(tag));
        CommandResult result = publish(principal, tag, parsed, channelClass);
        if (isWrongPath(result)) {
            // the channel was deleted and created again with the other kind of class
            classes.forget(tag);
            channelClass = classes.of(tag).orElseThrow(() -> ChannelController.notFound(tag));
            result = publish(principal, tag, parsed, channelClass);
        }
        if (result instanceof CommandResult.Rejected rejected) {
            throw RejectionStatus.problem(rejected.reason(), rejected.detail());
        }
        if (!(result instanceof CommandResult.Published published)) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "UNEXPECTED_REPLY", "the replicas answered " + result);
        }
        PublishResponse response = toResponse(tag, published.outcomes());
        if (response.accepted() == 0) {
            EventOutcome.Refused first = (EventOutcome.Refused) published.outcomes().get(0);
            String detail = parsed.batch()
                    ? "none of the " + published.outcomes().size() + " events was accepted; the first: " + first.detail()
                    : first.detail();
            throw RejectionStatus.problem(first.reason(), detail);
        }
        if (!channelClass.ordered()) {
            heartbeats.touched(tag);
        }
        return ResponseEntity.accepted().body(response);
    }

    /** Orders the request's events, grouped with concurrent publishes to the same channel. */
    private CommandResult publish(AuthenticatedPrincipal principal, String tag, PublishBody parsed, ChannelClass channelClass) {
        try {
            return ordering.await(groupCommit.publish(ScheduledOrdering.priorityOf(principal), tag, parsed.eventBytes(),
                    !channelClass.ordered()));
        } catch (OverloadedException e) {
            throw ScheduledOrdering.overloaded(e);
        }
    }

    private static boolean isWrongPath(CommandResult result) {
        if (result instanceof CommandResult.Rejected rejected) {
            return rejected.reason() == RejectReason.WRONG_DELIVERY_PATH;
        }
        if (result instanceof CommandResult.Published published) {
            return published.outcomes().stream().allMatch(o -> o instanceof EventOutcome.Refused r
                    && r.reason() == RejectReason.WRONG_DELIVERY_PATH);
        }
        return false;
    }

    private static PublishResponse toResponse(String tag, List<EventOutcome> outcomes) {
        List<EventResult> results = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        int accepted = 0;
        for (EventOutcome outcome : outcomes) {
            if (outcome instanceof EventOutcome.Appended appended) {
                accepted++;
                seqs.add(appended.channelSeq());
                results.add(new EventResult("APPENDED", appended.channelSeq(),
                        java.time.Instant.ofEpochMilli(appended.orderedAtMillis()).toString(), null, null, null, null));
            } else if (outcome instanceof EventOutcome.Queued queued) {
                accepted++;
                results.add(new EventResult("QUEUED", null, null, queued.probeId(), queued.seq(), null, null));
            } else if (outcome instanceof EventOutcome.Refused refused) {
                results.add(new EventResult("REFUSED", null, null, null, null, refused.reason().name(), refused.detail()));
            }
        }
        return new PublishResponse(tag, accepted, outcomes.size() - accepted, seqs, results);
    }
}
