package fitmon.benchmarks.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import fitmon.benchmarks.load.BenchProbe;
import fitmon.client.http.GatewayProblemException;
import fitmon.client.http.GatewayResponse;
import fitmon.client.http.GatewayUnreachableException;
import fitmon.client.probe.ProbeClient;
import fitmon.core.event.Event;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One thread per probe, each publishing one signed event at a fixed pace (open loop: a slow answer
 * delays that probe's next event, never the others), each sent once, recorded in the history
 * before it leaves and acknowledged when the gateway says {@code APPENDED}.
 */
final class SteadyLoad implements AutoCloseable {

    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** @param eventsPerSecond over all probes */
    SteadyLoad(List<BenchProbe> probes, History history, double eventsPerSecond) {
        long intervalNanos = (long) (probes.size() * 1e9 / eventsPerSecond);
        for (int i = 0; i < probes.size(); i++) {
            BenchProbe probe = probes.get(i);
            int index = i;
            Thread worker = new Thread(() -> publishUntilStopped(probe, index, history, intervalNanos),
                    "resilience-probe-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
    }

    void start() {
        workers.forEach(Thread::start);
    }

    private void publishUntilStopped(BenchProbe probe, int index, History history, long intervalNanos) {
        String path = "/api/v1/channels/" + history.tag() + "/events";
        long next = System.nanoTime();
        long count = 0;
        while (running.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += intervalNanos;
            JsonNode data = JsonNodeFactory.instance.objectNode().put("probe", index).put("n", count++);
            Event event;
            try {
                event = probe.sign(history.tag(), List.of(data), false).get(0);
            } catch (Exception e) {
                history.failed("cannot sign: " + e.getMessage());
                continue;
            }
            History.Key key = new History.Key(event.probeId(), event.seq());
            history.sending(key, event.data());
            try {
                GatewayResponse response = probe.gateway().send("POST", path, ProbeClient.body(List.of(event)), false);
                String status = response.json().path("results").path(0).path("status").asString("");
                if (status.equals("APPENDED")) {
                    history.acknowledged(key);
                } else {
                    history.failed("refused " + response.json().path("results").path(0).path("code").asString(status));
                }
            } catch (GatewayProblemException e) {
                history.failed("HTTP " + e.status() + " " + e.code());
            } catch (GatewayUnreachableException e) {
                history.failed("no answer from the gateway");
            } catch (RuntimeException e) {
                history.failed(e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(90));
        }
    }
}
