package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.appended;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.RegisterProbe;
import fitmon.core.event.CanonicalJson;
import org.junit.jupiter.api.Test;

/** Per-channel retention by count and by bytes, and paging through the retained log. */
class RetentionTest {

    private static final String TAG = "host.cpu";

    private final BrokerStateMachine sm = new BrokerStateMachine(config());
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");

    private void channelWith(ChannelRetention retention) {
        accepted(sm.applyOrdered(channel(TAG, ChannelClass.BFT, 10, 10, retention), at(0)));
        accepted(sm.applyOrdered(new RegisterProbe(TAG, web01.certificate()), at(0)));
    }

    private void publishSeqs(long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            appended(only(sm.applyOrdered(publish(TAG, web01.signedBytes(TAG, seq)), at(seq))));
        }
    }

    @Test
    void keepsTheNewestEventsWithinTheCount() {
        channelWith(new ChannelRetention(3, 1024 * 1024));
        publishSeqs(1, 5);

        assertThat(sm.events(TAG, 0, 100)).extracting(LoggedEvent::channelSeq).containsExactly(3L, 4L, 5L);
        ChannelView view = sm.channel(TAG).orElseThrow();
        assertThat(view.lastSeq()).isEqualTo(5);
        assertThat(view.firstRetainedSeq()).isEqualTo(3);
        assertThat(view.retainedEvents()).isEqualTo(3);
        assertThat(view.retainedBytes()).isEqualTo(sm.events(TAG, 0, 100).stream().mapToLong(e -> e.envelope().length).sum());
    }

    @Test
    void keepsTheNewestEventsWithinTheByteBudget() {
        channelWith(new ChannelRetention(1000, 1024));
        List<Integer> sizes = new ArrayList<>();
        for (long seq = 1; seq <= 12; seq++) {
            sizes.add(CanonicalJson.envelopeBytes(web01.signed(TAG, seq)).length);
        }
        publishSeqs(1, 12);

        // the longest suffix of the log that fits in 1024 bytes
        long budget = 1024;
        int kept = 0;
        long bytes = 0;
        for (int i = sizes.size() - 1; i >= 0 && bytes + sizes.get(i) <= budget; i--) {
            bytes += sizes.get(i);
            kept++;
        }
        assertThat(kept).isBetween(2, 11);
        List<LoggedEvent> retained = sm.events(TAG, 0, 100);
        assertThat(retained).hasSize(kept);
        assertThat(retained.get(retained.size() - 1).channelSeq()).isEqualTo(12);
        assertThat(retained.get(0).channelSeq()).isEqualTo(12 - kept + 1);
        ChannelView view = sm.channel(TAG).orElseThrow();
        assertThat(view.retainedBytes()).isEqualTo(bytes).isLessThanOrEqualTo(budget);
        assertThat(view.firstRetainedSeq()).isEqualTo(12 - kept + 1);
        assertThat(view.lastSeq()).isEqualTo(12);
    }

    @Test
    void alwaysKeepsTheNewestEventEvenWhenItAloneExceedsTheByteBudget() {
        channelWith(new ChannelRetention(1000, 1024));
        publishSeqs(1, 2);
        appended(only(sm.applyOrdered(publish(TAG, web01.paddedBytes(TAG, 3, 3000)), at(3))));

        assertThat(sm.events(TAG, 0, 100)).extracting(LoggedEvent::channelSeq).containsExactly(3L);
        assertThat(sm.channel(TAG).orElseThrow().retainedBytes()).isGreaterThan(1024);

        publishSeqs(4, 4);
        assertThat(sm.events(TAG, 0, 100)).extracting(LoggedEvent::channelSeq).containsExactly(4L);
    }

    @Test
    void pagesThroughTheRetainedLog() {
        channelWith(new ChannelRetention(6, 1024 * 1024));
        publishSeqs(1, 10);  // retains 5..10

        assertThat(seqs(sm.events(TAG, 0, 100))).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(seqs(sm.events(TAG, 1, 2))).as("below the window starts at the oldest retained").containsExactly(5L, 6L);
        assertThat(seqs(sm.events(TAG, 7, 2))).containsExactly(7L, 8L);
        assertThat(seqs(sm.events(TAG, 9, 2))).containsExactly(9L, 10L);
        assertThat(seqs(sm.events(TAG, 10, 5))).containsExactly(10L);
        assertThat(sm.events(TAG, 11, 5)).isEmpty();
        assertThat(sm.events(TAG, Long.MAX_VALUE, 5)).isEmpty();
        assertThat(seqs(sm.events(TAG, Long.MIN_VALUE, 1))).containsExactly(5L);
        assertThat(sm.events(TAG, 5, 0)).isEmpty();
        assertThat(sm.events(TAG, 5, -1)).isEmpty();
        assertThat(sm.events("no.such.channel", 0, 10)).isEmpty();

        // paging with the last seen seq + 1 walks the whole window exactly once
        List<Long> walked = new ArrayList<>();
        long from = 0;
        List<LoggedEvent> page;
        while (!(page = sm.events(TAG, from, 4)).isEmpty()) {
            walked.addAll(seqs(page));
            from = page.get(page.size() - 1).channelSeq() + 1;
        }
        assertThat(walked).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void anEmptyLogReadsAsEmpty() {
        channelWith(ChannelRetention.DEFAULT);
        assertThat(sm.events(TAG, 0, 10)).isEmpty();
        assertThat(sm.channel(TAG).orElseThrow().firstRetainedSeq()).isZero();
    }

    private static List<Long> seqs(List<LoggedEvent> events) {
        return events.stream().map(LoggedEvent::channelSeq).toList();
    }
}
