package fitmon.broker.readapi;

import static fitmon.broker.problem.ReplicaProblems.problem;

import java.util.List;

import fitmon.broker.access.ConsoleIdentity;
import fitmon.broker.lab.LabSwitches;
import fitmon.broker.lab.Misbehaviour;
import fitmon.broker.replication.BrokerReplicaProperties;
import fitmon.broker.replication.ReplicatedBroker;
import fitmon.broker.state.ChannelView;
import fitmon.broker.state.LoggedEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only views of this replica's channels and logs; changes go through the gateway and ordering.
 * Every request needs a console token ({@link ReadAccess}) and sees only the channels it allows.
 * What one request may cost is bounded: a page
 * of events holds at most {@value #MAX_PAGE} events and {@value #MAX_PAGE_BYTES} bytes of envelopes
 * (always at least one event), and {@code nextFromSeq} says where the next page starts.
 */
@RestController
@RequestMapping("/api/v1/channels")
class ChannelReadController {

    static final int MAX_PAGE = 1000;
    static final int MAX_PAGE_BYTES = 1024 * 1024;

    /** How far ahead a lying replica ({@link Misbehaviour#LYING_READS}) claims its channels are. */
    static final long LIE_AHEAD = 1000;

    private final ReplicatedBroker broker;
    private final int replicaId;
    private final LabSwitches lab;
    private final ReadAccess access;

    ChannelReadController(ReplicatedBroker broker, BrokerReplicaProperties properties, LabSwitches lab,
                          ReadAccess access) {
        this.broker = broker;
        this.replicaId = properties.replicaId();
        this.lab = lab;
        this.access = access;
    }

    @GetMapping
    List<ChannelResponse> channels(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        ConsoleIdentity reader = access.require(authorization);
        return broker.read(sm -> sm.channels().stream().filter(c -> reader.maySubscribe(c.tag()))
                .map(this::response).toList());
    }

    @GetMapping("/{tag}")
    ChannelResponse channel(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                            @PathVariable String tag) {
        ReadAccess.requireChannel(access.require(authorization), tag);
        return response(find(tag));
    }

    private ChannelResponse response(ChannelView view) {
        ChannelResponse honest = ChannelResponse.of(view);
        return lab.is(Misbehaviour.LYING_READS) ? honest.claimingLastSeq(honest.lastSeq() + LIE_AHEAD) : honest;
    }

    @GetMapping("/{tag}/events")
    EventPageResponse events(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                             @PathVariable String tag,
                             @RequestParam(defaultValue = "1") long fromSeq,
                             @RequestParam(defaultValue = "100") int limit) {
        ReadAccess.requireChannel(access.require(authorization), tag);
        if (fromSeq < 0) {
            throw problem(HttpStatus.BAD_REQUEST, "INVALID_FROM_SEQ", "Invalid fromSeq", "fromSeq must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw problem(HttpStatus.BAD_REQUEST, "INVALID_LIMIT", "Invalid limit",
                    "limit must be between 1 and " + MAX_PAGE);
        }
        return broker.read(sm -> {
            ChannelView channel = sm.channel(tag).orElseThrow(() -> notFound(tag));
            List<LoggedEvent> page = withinBytes(sm.events(tag, fromSeq, limit));
            long next = page.isEmpty() ? Math.max(fromSeq, channel.lastSeq() + 1) : page.get(page.size() - 1).channelSeq() + 1;
            long lastSeq = lab.is(Misbehaviour.LYING_READS) ? channel.lastSeq() + LIE_AHEAD : channel.lastSeq();
            return new EventPageResponse(tag, channel.firstRetainedSeq(), lastSeq, next,
                    page.stream().map(e -> DeliveryResponse.of(replicaId, tag, channel.channelClass(), e)).toList());
        });
    }

    /** The longest head of the page whose envelopes fit {@link #MAX_PAGE_BYTES}, one event at least. */
    private static List<LoggedEvent> withinBytes(List<LoggedEvent> page) {
        long bytes = 0;
        for (int i = 0; i < page.size(); i++) {
            bytes += page.get(i).envelope().length;
            if (bytes > MAX_PAGE_BYTES && i > 0) {
                return page.subList(0, i);
            }
        }
        return page;
    }

    private ChannelView find(String tag) {
        return broker.read(sm -> sm.channel(tag)).orElseThrow(() -> notFound(tag));
    }

    private static ErrorResponseException notFound(String tag) {
        return problem(HttpStatus.NOT_FOUND, "CHANNEL_NOT_FOUND", "Channel not found", "no channel with tag " + tag);
    }
}
