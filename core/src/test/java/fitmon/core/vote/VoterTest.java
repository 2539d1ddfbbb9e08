package fitmon.core.vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fitmon.core.channel.ChannelClass;
import fitmon.core.vote.Disagreement.Kind;
import fitmon.core.vote.VoteOutcome.AlreadyReleased;
import fitmon.core.vote.VoteOutcome.Pending;
import fitmon.core.vote.VoteOutcome.Released;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VoterTest {

    private static final VoteKey K1 = VoteKey.ordered("host.cpu", 1);
    private static final Digest GOOD = digest("good");
    private static final Digest FORGED = digest("forged");

    private final List<Disagreement> reports = new ArrayList<>();

    private static Digest digest(String s) {
        return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private Voter<String> voter(int n, int f) {
        return new Voter<>(n, f, Voter.DEFAULT_MAX_TRACKED_KEYS, reports::add);
    }

    @Test
    void releasesAtExactlyFPlusOneIdenticalCopies() {
        for (int[] nf : new int[][] {{4, 1}, {7, 2}}) {
            int n = nf[0];
            int f = nf[1];
            Voter<String> v = voter(n, f);
            int t = Voter.threshold(true, f);
            assertThat(t).isEqualTo(f + 1);
            for (int r = 0; r < f; r++) {
                assertThat(v.offer(r, K1, GOOD, "v", t)).isEqualTo(new Pending<String>(r + 1, r + 1));
            }
            VoteOutcome<String> o = v.offer(f, K1, GOOD, "v", t);
            assertThat(o).isInstanceOf(Released.class);
            Released<String> rel = (Released<String>) o;
            assertThat(rel.value()).isEqualTo("v");
            assertThat(rel.votes()).isEqualTo(f + 1);
            assertThat(rel.replicasAgreeing()).containsExactlyElementsOf(
                    IntStream.rangeClosed(0, f).boxed().toList());
            for (int r = f + 1; r < n; r++) {
                assertThat(v.offer(r, K1, GOOD, "v", t)).isEqualTo(new AlreadyReleased<String>(true));
            }
            assertThat(v.releasedCount()).isEqualTo(1);
            assertThat(reports).isEmpty();
        }
    }

    @Test
    void byzantineCopyFirstDoesNotPreventReleaseAndIsReported() {
        Voter<String> v = voter(4, 1);
        assertThat(v.offer(3, K1, FORGED, "bad", 2)).isEqualTo(new Pending<String>(1, 1));
        assertThat(v.offer(0, K1, GOOD, "ok", 2)).isEqualTo(new Pending<String>(1, 2));
        assertThat(reports).isEmpty();
        VoteOutcome<String> o = v.offer(1, K1, GOOD, "ok", 2);
        assertThat(o).isEqualTo(new Released<>("ok", 2, Set.of(0, 1)));
        assertThat(reports).containsExactly(new Disagreement(3, K1, Kind.DIFFERENT_COPY));
    }

    @Test
    void lateDifferentCopyIsReported() {
        Voter<String> v = voter(4, 1);
        v.offer(0, K1, GOOD, "ok", 2);
        v.offer(1, K1, GOOD, "ok", 2);
        assertThat(v.offer(2, K1, FORGED, "bad", 2)).isEqualTo(new AlreadyReleased<String>(false));
        assertThat(reports).containsExactly(new Disagreement(2, K1, Kind.DIFFERENT_COPY));
    }

    @Test
    void forgedDigestFromFReplicasIsNeverReleased() {
        // n=4, f=1: one forger + three correct replicas; the forger goes first.
        Voter<String> v = voter(4, 1);
        List<VoteOutcome<String>> outcomes = new ArrayList<>();
        outcomes.add(v.offer(2, K1, FORGED, "bad", 2));
        outcomes.add(v.offer(0, K1, GOOD, "ok", 2));
        outcomes.add(v.offer(1, K1, GOOD, "ok", 2));
        outcomes.add(v.offer(3, K1, GOOD, "ok", 2));
        assertThat(outcomes).filteredOn(o -> o instanceof Released)
                .containsExactly(new Released<>("ok", 2, Set.of(0, 1)));
        assertThat(outcomes).noneMatch(o -> o instanceof Released<String> r && "bad".equals(r.value()));
        assertThat(reports).containsExactly(new Disagreement(2, K1, Kind.DIFFERENT_COPY));

        // n=7, f=2: two colluders with the same forgery, then correct replicas.
        reports.clear();
        Voter<String> v7 = voter(7, 2);
        assertThat(v7.offer(5, K1, FORGED, "bad", 3)).isInstanceOf(Pending.class);
        assertThat(v7.offer(6, K1, FORGED, "bad", 3)).isEqualTo(new Pending<String>(2, 2));
        assertThat(v7.offer(0, K1, GOOD, "ok", 3)).isInstanceOf(Pending.class);
        assertThat(v7.offer(1, K1, GOOD, "ok", 3)).isInstanceOf(Pending.class);
        assertThat(v7.offer(2, K1, GOOD, "ok", 3)).isEqualTo(new Released<>("ok", 3, Set.of(0, 1, 2)));
        assertThat(reports).containsExactlyInAnyOrder(
                new Disagreement(5, K1, Kind.DIFFERENT_COPY), new Disagreement(6, K1, Kind.DIFFERENT_COPY));
    }

    @Test
    void thresholdOneReleasesFirstCopy() {
        assertThat(Voter.threshold(false, 3)).isEqualTo(1);
        assertThat(Voter.threshold(ChannelClass.CFT_O, 1)).isEqualTo(1);
        assertThat(Voter.threshold(ChannelClass.BFT, 1)).isEqualTo(2);
        Voter<String> v = voter(4, 1);
        VoteKey k = VoteKey.unordered("host.cpu", "web-01", 17);
        assertThat(v.offer(2, k, GOOD, "first", 1)).isEqualTo(new Released<>("first", 1, Set.of(2)));
        assertThat(v.offer(0, k, GOOD, "second", 1)).isEqualTo(new AlreadyReleased<String>(true));
    }

    @Test
    void duplicatesFromOneReplicaCountOnce() {
        Voter<String> v = voter(4, 1);
        assertThat(v.offer(0, K1, GOOD, "ok", 2)).isEqualTo(new Pending<String>(1, 1));
        assertThat(v.offer(0, K1, GOOD, "ok", 2)).isEqualTo(new Pending<String>(1, 1));
        assertThat(v.offer(0, K1, GOOD, "ok", 2)).isEqualTo(new Pending<String>(1, 1));
        assertThat(v.replicaStats().get(0).copiesReceived()).isEqualTo(1);
        assertThat(v.offer(1, K1, GOOD, "ok", 2)).isInstanceOf(Released.class);
        assertThat(v.offer(1, K1, GOOD, "ok", 2)).isEqualTo(new AlreadyReleased<String>(true));
        assertThat(reports).isEmpty();
    }

    @Test
    void equivocationIsReportedAndTheSecondDigestIgnored() {
        Voter<String> v = voter(4, 1);
        v.offer(3, K1, GOOD, "ok", 2);
        assertThat(v.offer(3, K1, FORGED, "bad", 2)).isEqualTo(new Pending<String>(0, 1));
        assertThat(reports).containsExactly(new Disagreement(3, K1, Kind.EQUIVOCATION));
        // The forged digest got no vote: one more forged copy does not reach f+1.
        assertThat(v.offer(2, K1, FORGED, "bad", 2)).isEqualTo(new Pending<String>(1, 2));
        assertThat(v.offer(0, K1, GOOD, "ok", 2)).isInstanceOf(Released.class);
        assertThat(reports).containsExactly(
                new Disagreement(3, K1, Kind.EQUIVOCATION), new Disagreement(2, K1, Kind.DIFFERENT_COPY));

        // Equivocation after release.
        reports.clear();
        assertThat(v.offer(0, K1, FORGED, "bad", 2)).isEqualTo(new AlreadyReleased<String>(false));
        assertThat(reports).containsExactly(new Disagreement(0, K1, Kind.EQUIVOCATION));
        assertThat(v.replicaStats().get(0).equivocations()).isEqualTo(1);
        assertThat(v.replicaStats().get(3).equivocations()).isEqualTo(1);
    }

    @Test
    void rejectsInvalidArguments() {
        Voter<String> v = voter(4, 1);
        assertThatThrownBy(() -> v.offer(4, K1, GOOD, "x", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..3");
        assertThatThrownBy(() -> v.offer(-1, K1, GOOD, "x", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica");
        assertThatThrownBy(() -> v.offer(0, K1, GOOD, "x", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> v.offer(0, K1, GOOD, "x", 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new Voter<String>(3, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3f+1");
        assertThatThrownBy(() -> new Voter<String>(4, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("f must be >= 0");
        assertThatThrownBy(() -> new Voter<String>(4, 1, 0, DisagreementListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTrackedKeys");
        assertThat(new Voter<String>(1, 0).n()).isEqualTo(1);
        assertThat(v.trackedKeys()).isZero();
    }

    @Test
    void memoryBoundEvictsOldestAndCounts() {
        Voter<String> v = new Voter<>(4, 1, 3, reports::add);
        v.offer(0, VoteKey.ordered("t", 1), GOOD, "a", 2); // pending
        v.offer(0, VoteKey.ordered("t", 2), GOOD, "b", 1); // released, awaiting 3 more copies
        v.offer(0, VoteKey.ordered("t", 3), GOOD, "c", 2);
        assertThat(v.trackedKeys()).isEqualTo(3);
        v.offer(0, VoteKey.ordered("t", 4), GOOD, "d", 2); // evicts seq 1 (undecided)
        assertThat(v.trackedKeys()).isEqualTo(3);
        assertThat(v.droppedUndecided()).isEqualTo(1);
        assertThat(v.evictedReleased()).isZero();
        v.offer(0, VoteKey.ordered("t", 5), GOOD, "e", 2); // evicts seq 2 (released)
        assertThat(v.droppedUndecided()).isEqualTo(1);
        assertThat(v.evictedReleased()).isEqualTo(1);
        // Copies of surviving keys still count towards release.
        assertThat(v.offer(1, VoteKey.ordered("t", 5), GOOD, "e", 2)).isInstanceOf(Released.class);
        // An evicted key starts over.
        assertThat(v.offer(1, VoteKey.ordered("t", 1), GOOD, "a", 2)).isEqualTo(new Pending<String>(1, 1));
        assertThat(v.droppedUndecided()).isEqualTo(2); // seq 3 made room
    }

    @Test
    void keyIsForgottenAfterAllNCopies() {
        Voter<String> v = voter(4, 1);
        VoteKey k2 = VoteKey.ordered("host.cpu", 2);
        for (int r = 0; r < 3; r++) {
            v.offer(r, K1, GOOD, "ok", 2);
        }
        v.offer(0, k2, GOOD, "x", 2);
        assertThat(v.trackedKeys()).isEqualTo(2);
        v.offer(3, K1, FORGED, "bad", 2);
        assertThat(v.trackedKeys()).isEqualTo(1);
        assertThat(reports).containsExactly(new Disagreement(3, K1, Kind.DIFFERENT_COPY));

        // All n copies, all different: never releasable, forgotten and counted.
        VoteKey k3 = VoteKey.ordered("host.cpu", 3);
        for (int r = 0; r < 4; r++) {
            assertThat(v.offer(r, k3, digest("d" + r), "x" + r, 2)).isInstanceOf(Pending.class);
        }
        assertThat(v.trackedKeys()).isEqualTo(1);
        assertThat(v.undecidable()).isEqualTo(1);
        assertThat(v.evictedReleased()).isZero();
        assertThat(v.droppedUndecided()).isZero();
    }

    @Test
    void replicaStatsTrackAgreementAndSilence() {
        Instant t0 = Instant.parse("2026-11-23T02:31:45Z");
        MutableClock clock = new MutableClock(t0);
        Voter<String> v = new Voter<>(4, 1, 100, reports::add, clock);
        VoteKey k2 = VoteKey.unordered("host.cpu", "web-01", 9);
        v.offer(3, K1, FORGED, "bad", 2); // differs, judged at release
        v.offer(0, K1, GOOD, "ok", 2);
        v.offer(1, K1, GOOD, "ok", 2);   // release
        clock.now = t0.plusSeconds(10);
        v.offer(0, k2, GOOD, "ok", 1);   // release
        v.offer(1, k2, FORGED, "bad", 1); // differs
        v.offer(3, k2, GOOD, "ok", 1);

        Map<Integer, ReplicaStats> s = v.replicaStats();
        assertThat(s).containsOnlyKeys(0, 1, 2, 3);
        assertThat(s.get(0)).isEqualTo(new ReplicaStats(2, 2, 0, 0, k2, t0.plusSeconds(10)));
        assertThat(s.get(1)).isEqualTo(new ReplicaStats(2, 1, 1, 0, k2, t0.plusSeconds(10)));
        assertThat(s.get(2)).isEqualTo(new ReplicaStats(0, 0, 0, 0, null, null));
        assertThat(s.get(3)).isEqualTo(new ReplicaStats(2, 1, 1, 0, k2, t0.plusSeconds(10)));

        clock.now = t0.plusSeconds(15);
        assertThat(v.silentReplicas(Duration.ofSeconds(10))).containsExactly(2);
        clock.now = t0.plusSeconds(30);
        assertThat(v.silentReplicas(Duration.ofSeconds(10))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void digestIsAValueWithDefensiveCopies() {
        byte[] raw = {1, 2, 3};
        Digest d = new Digest(raw);
        raw[0] = 9;
        assertThat(d).isEqualTo(new Digest(new byte[] {1, 2, 3})).hasSameHashCodeAs(new Digest(new byte[] {1, 2, 3}));
        d.bytes()[1] = 9;
        assertThat(d.bytes()).containsExactly(1, 2, 3);
        assertThat(Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThatThrownBy(() -> new Digest(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listenerFailureDoesNotBreakVoting() {
        Voter<String> v = new Voter<>(4, 1, 10, d -> {
            throw new IllegalStateException("boom");
        });
        v.offer(3, K1, FORGED, "bad", 2);
        v.offer(0, K1, GOOD, "ok", 2);
        assertThat(v.offer(1, K1, GOOD, "ok", 2)).isInstanceOf(Released.class);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
