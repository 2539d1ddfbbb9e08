package fitmon.benchmarks.resilience;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import fitmon.client.console.ConsoleListener;
import fitmon.client.console.SignatureStatus;
import fitmon.client.console.VotedEvent;
import fitmon.core.vote.Disagreement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one scenario did, as the probes and the consoles saw it: every event sent (with its data),
 * which of them the gateway acknowledged, and for each console, every event it released, in
 * release order, with when.
 */
final class History {

    /** An event by its probe's identity and SEQ: what a forged or duplicated release is told by. */
    record Key(String probeId, long seq) {
    }

    /** One event a console released. */
    record Release(long channelSeq, Key key, JsonNode data, long atNanos, Set<Integer> agreeing,
                   SignatureStatus signature) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String tag;
    final Map<Key, JsonNode> sent = new ConcurrentHashMap<>();
    final Set<Key> acknowledged = ConcurrentHashMap.newKeySet();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final List<Console> consoles = new CopyOnWriteArrayList<>();

    History(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }

    void sending(Key key, JsonNode data) {
        sent.put(key, normalized(data));
    }

    /** The data as the parser types it (an int as an int, whoever built it), so equal values compare equal. */
    private static JsonNode normalized(JsonNode data) {
        return data == null ? null : JSON.readTree(data.toString());
    }

    void acknowledged(Key key) {
        acknowledged.add(key);
    }

    /** A publish that got no acknowledgement: an HTTP error, a refusal, no answer. */
    void failed(String why) {
        failures.computeIfAbsent(why, w -> new LongAdder()).increment();
    }

    Console newConsole() {
        Console console = new Console();
        consoles.add(console);
        return console;
    }

    /** One voting console's releases and the replicas it named. */
    final class Console implements ConsoleListener {

        final List<Release> releases = new CopyOnWriteArrayList<>();
        final Set<Integer> named = ConcurrentHashMap.newKeySet();

        @Override
        public void onEvent(VotedEvent event) {
            if (event.tag().equals(tag)) {
                releases.add(new Release(event.channelSeq(), new Key(event.event().probeId(), event.event().seq()),
                        normalized(event.event().data()), System.nanoTime(), event.agreeing(), event.signature()));
            }
        }

        @Override
        public void onDisagreement(Disagreement disagreement) {
            named.add(disagreement.replica());
        }

        boolean releasedAll(Set<Key> keys) {
            Set<Key> released = ConcurrentHashMap.newKeySet();
            releases.forEach(r -> released.add(r.key()));
            return released.containsAll(keys);
        }
    }
}
