package fitmon.benchmarks.load;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import fitmon.client.http.GatewayClient;
import fitmon.client.probe.ProbeClient;
import fitmon.client.probe.ProbeCredentials;
import fitmon.client.probe.SequenceFile;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;
import tools.jackson.databind.JsonNode;

/**
 * One enrolled probe identity of the generator. Events are signed as {@link ProbeClient} signs them
 * (core's {@code EventSigning} over the JCS bytes); SEQs come from the probe's persistent counter
 * in blocks, so a run does not write the counter file once per event, and a crashed run still
 * never reuses a SEQ.
 */
public final class BenchProbe {

    private static final int SEQ_BLOCK = 10_000;

    private final ProbeClient sdk;
    private final MessageSigner signer;
    private final SequenceFile sequence;
    private final GatewayClient gateway;
    private long next;
    private long blockEnd;

    BenchProbe(ProbeCredentials credentials, SequenceFile sequence, GatewayClient probeGateway) {
        this.sdk = new ProbeClient(credentials, sequence, probeGateway);
        this.signer = credentials.signer();
        this.sequence = sequence;
        this.gateway = probeGateway;
    }

    public String probeId() {
        return sdk.probeId();
    }

    /** A gateway client signing with this probe's API key. */
    public GatewayClient gateway() {
        return gateway;
    }

    void register(String tag) {
        sdk.register(tag);
    }

    /**
     * The next events of this probe, one per {@code data}, with consecutive SEQs: each signed alone,
     * or all with one batch signature.
     */
    public synchronized List<Event> sign(String tag, List<JsonNode> data, boolean batchSigned) throws IOException {
        String ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        List<Event> events = new ArrayList<>(data.size());
        for (JsonNode d : data) {
            events.add(new Event(probeId(), tag, nextSeq(), ts, d, null));
        }
        return batchSigned ? EventSigning.signBatch(events, signer) : EventSigning.signEach(events, signer);
    }

    private long nextSeq() throws IOException {
        if (next == 0 || next > blockEnd) {
            next = sequence.exclusively(() -> sequence.reserve(SEQ_BLOCK));
            blockEnd = next + SEQ_BLOCK - 1;
        }
        return next++;
    }
}
