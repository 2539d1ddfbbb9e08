package fitmon.benchmarks.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;

import fitmon.client.console.SignatureStatus;
import fitmon.client.console.VotedEvent;
import fitmon.core.channel.ChannelClass;
import fitmon.core.event.Event;
import fitmon.core.vote.Disagreement;
import fitmon.core.vote.VoteKey;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class CheckerTest {

    private static final String TAG = "resilience.test";
    private static final Scenario SCENARIO = Scenario.select("alter-leader", 1).get(0);

    private final History history = new History(TAG);

    private static JsonNode data(long n) {
        return JsonNodeFactory.instance.objectNode().put("probe", 0).put("n", n);
    }

    private void sentAndAcknowledged(long seq) {
        History.Key key = new History.Key("p", seq);
        history.sending(key, data(seq));
        history.acknowledged(key);
    }

    private static VotedEvent released(long channelSeq, long seq, JsonNode data) {
        Event event = new Event("p", TAG, seq, "2026-12-07T10:00:00Z", data, null);
        return new VotedEvent(TAG, ChannelClass.BFT, channelSeq, Instant.now(), event, "{}", 2, 4, Set.of(0, 1),
                SignatureStatus.VERIFIED);
    }

    private Findings check() {
        return Checker.check(SCENARIO, 3, history, System.nanoTime() - 1_000_000_000L, System.nanoTime());
    }

    @Test
    void aConsoleThatReleasedEveryAcknowledgedEventOnceInOrderIsClean() {
        sentAndAcknowledged(1);
        sentAndAcknowledged(2);
        History.Console console = history.newConsole();
        console.onEvent(released(1, 1, data(1)));
        console.onEvent(released(2, 2, data(2)));

        Findings findings = check();

        assertThat(findings.ok()).as(findings.examples().toString()).isTrue();
        assertThat(findings.releasedMin()).isEqualTo(2);
    }

    @Test
    void countsEachKindOfError() {
        sentAndAcknowledged(1);
        sentAndAcknowledged(2);
        sentAndAcknowledged(3);
        sentAndAcknowledged(4);
        History.Console console = history.newConsole();
        console.onEvent(released(1, 1, data(1)));
        console.onEvent(released(3, 3, data(99)));                  // altered
        console.onEvent(released(2, 2, data(2)));                   // after #3: reordered
        console.onEvent(released(4, 2, data(2)));                   // the same event again: duplicated
        console.onEvent(released(5, 7, data(7)));                   // never sent: forged
        console.onDisagreement(new Disagreement(3, new VoteKey.OrderedKey(TAG, 3), Disagreement.Kind.DIFFERENT_COPY));
        // SEQ 4 acknowledged and never released: lost

        Findings findings = check();

        assertThat(findings.altered()).isEqualTo(1);
        assertThat(findings.reordered()).isEqualTo(1);
        assertThat(findings.duplicated()).isEqualTo(1);
        assertThat(findings.forged()).isEqualTo(1);
        assertThat(findings.lost()).isEqualTo(1);
        assertThat(findings.named()).containsExactly(3);
        assertThat(findings.ok()).isFalse();
    }

    @Test
    void dataIsComparedByValueNotByFieldOrderOrNumberWidth() {
        History.Key key = new History.Key("p", 1);
        history.sending(key, JsonNodeFactory.instance.objectNode().put("probe", 0).put("n", 5L));
        history.acknowledged(key);
        History.Console console = history.newConsole();
        console.onEvent(released(1, 1, fitmon.core.event.EventJson.readTree("{\"n\":5,\"probe\":0}")));

        Findings findings = check();

        assertThat(findings.altered()).as(findings.examples().toString()).isZero();
    }

    @Test
    void anEventReleasedWhosePublishWasNotAcknowledgedIsNotAnError() {
        history.sending(new History.Key("p", 1), data(1));
        history.failed("HTTP 503 ORDERING_TIMEOUT");
        History.Console console = history.newConsole();
        console.onEvent(released(1, 1, data(1)));

        Findings findings = check();

        assertThat(findings.ok()).isTrue();
        assertThat(findings.releasedUnacknowledged()).isEqualTo(1);
        assertThat(findings.failedPublishes()).containsEntry("HTTP 503 ORDERING_TIMEOUT", 1L);
    }

    @Test
    void theLongestSilenceOfAConsoleWhileTheLoadRanIsItsStall() {
        long start = System.nanoTime();
        History.Console console = history.newConsole();
        Findings findings = Checker.check(SCENARIO, 3, history, start - 2_000_000_000L, start);

        assertThat(findings.longestStallMillis()).isBetween(1_999L, 2_001L);
    }
}
