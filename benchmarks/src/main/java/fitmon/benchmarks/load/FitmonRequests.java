package fitmon.benchmarks.load;

import java.util.List;

import fitmon.client.http.GatewayProblemException;
import fitmon.client.http.GatewayResponse;
import fitmon.client.http.GatewayUnreachableException;
import fitmon.client.probe.ProbeClient;
import fitmon.core.event.Event;
import tools.jackson.databind.JsonNode;

/**
 * Publishes to one channel: worker i signs {@code batch} events as probe i (each alone, or all with
 * one batch signature) and POSTs them (one
 * envelope, or {@code {"events":[...]}}), once, without retries, so every refusal and HTTP error
 * is counted as it happened. Each event is announced to the delivery check before it leaves.
 */
final class FitmonRequests implements LoadDriver.Request {


    private final List<BenchProbe> probes;
    private final List<EventData> data;
    private final String tag;
    private final String path;
    private final int batch;
    private final boolean batchSigned;
    private final DeliveryCheck check;
    private final DeliveryCheck.Step step;

    /** @param check null when no console follows the channel */
    FitmonRequests(List<BenchProbe> probes, List<EventData> data, String tag, int batch, boolean batchSigned,
                   DeliveryCheck check, DeliveryCheck.Step step) {
        this.probes = probes;
        this.data = data;
        this.tag = tag;
        this.path = "/api/v1/channels/" + tag + "/events";
        this.batch = batch;
        this.batchSigned = batchSigned;
        this.check = check;
        this.step = step;
    }

    @Override
    public void send(int worker, long startNanos, boolean measured, LoadDriver.Tally tally) throws Exception {
        BenchProbe probe = probes.get(worker);
        List<Event> events = probe.sign(tag, data.get(worker).batch(batch), batchSigned);
        if (check != null) {
            for (Event event : events) {
                check.sending(step, key(event), startNanos, measured);
            }
        }
        JsonNode results;
        try {
            GatewayResponse response = probe.gateway().send("POST", path, ProbeClient.body(events), false);
            results = response.json().get("results");
        } catch (GatewayProblemException e) {
            tally.error(measured, "HTTP " + e.status() + " " + e.code());
            return;
        } catch (GatewayUnreachableException e) {
            tally.error(measured, "no answer from the gateway");
            return;
        }
        if (results == null || !results.isArray() || results.size() != events.size()) {
            tally.error(measured, "answer without one result per event");
            return;
        }
        int accepted = 0;
        for (int i = 0; i < events.size(); i++) {
            String status = results.get(i).path("status").asString("");
            if (status.equals("APPENDED") || status.equals("QUEUED")) {
                accepted++;
                if (check != null) {
                    check.acknowledged(key(events.get(i)));
                }
            } else {
                tally.refused(measured, results.get(i).path("code").asString(status), 1);
            }
        }
        tally.accepted(measured, accepted);
    }

    private DeliveryCheck.EventKey key(Event event) {
        return new DeliveryCheck.EventKey(tag, event.probeId(), event.seq());
    }
}
