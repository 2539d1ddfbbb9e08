package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import bftsmart.tom.leaderchange.LCMessage;
import bftsmart.tom.util.TOMUtil;
import org.junit.jupiter.api.Test;

/**
 * The bounds on what the library keeps about leader changes: the requests relayed in STOP
 * messages and the leader-change messages held for later regencies.
 */
class LeaderChangeBoundsTest {

    private static TOMMessage request(int client, int sequence, int size) {
        return new TOMMessage(client, 1, sequence, sequence, new byte[size], 0, TOMMessageType.ORDERED_REQUEST);
    }

    private static TOMMessage[] stopPayload(int client, int requests, int size) {
        TOMMessage[] out = new TOMMessage[requests];
        for (int i = 0; i < requests; i++) {
            out[i] = request(client, i, size);
        }
        return out;
    }

    @Test
    void aStopResentEveryTimeoutAddsItsRequestsOnce() {
        BoundedLeaderChangeManager manager = new BoundedLeaderChangeManager(null, null, null, 16L << 20, 4000, null);
        // A replica alone in a leader change re-sends the same STOP, with the same 8 requests of
        // 30 KB (batches of 50 events), every ordering timeout: 900 times in 30 minutes.
        for (int resend = 0; resend < 900; resend++) {
            manager.addRequestsFromSTOP(stopPayload(2400, 8, 30_000));
        }
        assertThat(manager.getRequestsFromSTOP()).hasSize(8);
        assertThat(manager.heldBytes()).isLessThan(8 * 31_000L);
        assertThat(manager.duplicates()).isEqualTo(899 * 8);
        assertThat(manager.dropped()).isZero();
    }

    @Test
    void freshRequestsBeyondTheByteBoundAreDroppedAndCounted() {
        long limit = 1L << 20;
        BoundedLeaderChangeManager manager = new BoundedLeaderChangeManager(null, null, null, limit, 4000, null);
        // A faulty peer sends STOPs full of requests it made up, each different.
        for (int stop = 0; stop < 100; stop++) {
            manager.addRequestsFromSTOP(stopPayload(10_000 + stop, 10, 30_000));
        }
        assertThat(manager.heldBytes()).isLessThanOrEqualTo(limit);
        assertThat(manager.getRequestsFromSTOP()).hasSizeLessThan(40);
        assertThat(manager.dropped()).isEqualTo(1000 - manager.getRequestsFromSTOP().size());
    }

    @Test
    void manySmallRequestsAreBoundedByCount() {
        BoundedLeaderChangeManager manager = new BoundedLeaderChangeManager(null, null, null, 16L << 20, 100, null);
        for (int stop = 0; stop < 50; stop++) {
            manager.addRequestsFromSTOP(stopPayload(20_000 + stop, 10, 1));
        }
        assertThat(manager.getRequestsFromSTOP()).hasSize(100);
        assertThat(manager.dropped()).isEqualTo(400);
    }

    @Test
    void aCompletedLeaderChangeClearsTheCountAndAStopWithoutRequestsIsHarmless() {
        BoundedLeaderChangeManager manager = new BoundedLeaderChangeManager(null, null, null, 16L << 20, 4000, null);
        manager.addRequestsFromSTOP(stopPayload(2400, 8, 1000));
        manager.clearRequestsFromSTOP();
        assertThat(manager.heldBytes()).isZero();
        // The library hands over null for a STOP without requests and would fail on it.
        manager.addRequestsFromSTOP(null);
        manager.addRequestsFromSTOP(stopPayload(2400, 8, 1000));
        assertThat(manager.getRequestsFromSTOP()).hasSize(8);
    }

    @Test
    void staleRepeatedAndFarAheadLeaderChangeMessagesAreDropped() {
        Set<LCMessage> held = new HashSet<>();
        // Installed regency 3: anything at or below it is stale.
        LCMessage stale = new LCMessage(1, TOMUtil.STOP, 3, null);
        held.add(stale);
        // Replica 0 re-sends its STOP for regency 4 every timeout: the library keeps every copy.
        List<LCMessage> copies = List.of(new LCMessage(0, TOMUtil.STOP, 4, null), new LCMessage(0, TOMUtil.STOP, 4, null),
                new LCMessage(0, TOMUtil.STOP, 4, null));
        held.addAll(copies);
        LCMessage stopData = new LCMessage(0, TOMUtil.STOPDATA, 4, null);
        held.add(stopData);
        // A faulty replica 2 asks for 100 future regencies.
        for (int reg = 4; reg < 104; reg++) {
            held.add(new LCMessage(2, TOMUtil.STOP, reg, null));
        }
        List<LCMessage> drop = LeaderChangeGuard.chooseDrops(held, 3);
        held.removeAll(drop);
        assertThat(held).doesNotContain(stale).contains(stopData);
        assertThat(held.stream().filter(m -> m.getSender() == 0 && m.getType() == TOMUtil.STOP)).hasSize(1);
        assertThat(held.stream().filter(m -> m.getSender() == 2).map(LCMessage::getReg))
                .containsExactlyInAnyOrder(4, 5, 6, 7, 8, 9, 10, 11);
    }
}
