package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static fitmon.broker.state.StateFixture.only;
import static fitmon.broker.state.StateFixture.publish;
import static fitmon.broker.state.StateFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import fitmon.core.command.Unsubscribe;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.wire.WireFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** snapshot() / restore(): same digest, same reads, and the same behaviour afterwards. */
class SnapshotRestoreTest {

    private final StateMachineConfig config = config();
    private final BrokerStateMachine original = new BrokerStateMachine(config);
    private final SigningProbe web01 = SigningProbe.ed25519("web-01");
    private final SigningProbe web02 = new SigningProbe("web-02", SignatureAlgorithm.ES256);
    private final SigningProbe shortLived = SigningProbe.ed25519("short-01");

    /** A state with something in every table: all classes, trimmed logs, rotated keys, timeouts. */
    @BeforeEach
    void buildRichState() {
        apply(original, new CreateChannel("bft.cpu", ChannelClass.BFT, 600, 10, 10, new ChannelRetention(4, 1024 * 1024)), 0);
        apply(original, new CreateChannel("cfto.mem", ChannelClass.CFT_O, 0, 2, 3, new ChannelRetention(100, 1024)), 0);
        apply(original, new CreateChannel("urgent.log", ChannelClass.CFT_NO_U, 300, 10, 10, ChannelRetention.DEFAULT), 0);
        apply(original, new CreateChannel("bulk.log", ChannelClass.CFT_NO_NU, 0, 10, 10, ChannelRetention.DEFAULT), 0);
        apply(original, new CreateChannel("doomed", ChannelClass.CFT_O, 20, 10, 10, ChannelRetention.DEFAULT), 0);
        for (String tag : List.of("bft.cpu", "cfto.mem", "urgent.log")) {
            apply(original, new RegisterProbe(tag, web01.certificate()), 1);
            apply(original, new RegisterProbe(tag, web02.certificate()), 1);
        }
        apply(original, new RegisterProbe("bft.cpu", shortLived.certificate(TestKeys.VALID_FROM,
                TestKeys.T0.plus(Duration.ofMinutes(10)))), 1);
        apply(original, new Subscribe("bft.cpu", "soc-1"), 2);
        apply(original, new Subscribe("bft.cpu", "dash-1"), 2);
        apply(original, new Subscribe("cfto.mem", "soc-1"), 2);
        for (long seq = 1; seq <= 7; seq++) {
            apply(original, publish("bft.cpu", web01.signedBytes("bft.cpu", seq), web02.signedBytes("bft.cpu", seq * 10)), 3 + seq);
            apply(original, publish("cfto.mem", web02.unsignedBytes("cfto.mem", seq)), 3 + seq);
        }
        apply(original, publish("bft.cpu", shortLived.signedBytes("bft.cpu", 1)), 12);
        // rotate web-01's key on bft.cpu: the new key and the old SEQ must survive the snapshot
        apply(original, new RegisterProbe("bft.cpu",
                new SigningProbe("web-01", SignatureAlgorithm.ED25519, "web-01-rotated").certificate()), 13);
        apply(original, new Touch("urgent.log"), 14);
        original.applyUnordered(publish("urgent.log", web01.signedBytes("urgent.log", 1)));
        assertThat(original.channels()).hasSize(5);
    }

    @Test
    void aRestoredInstanceHasTheSameDigestAndReads() {
        byte[] snapshot = original.snapshot();
        BrokerStateMachine copy = StateFixture.restored(config, snapshot);

        assertThat(copy.digest()).isEqualTo(original.digest());
        assertThat(copy.snapshot()).as("the encoding is canonical").isEqualTo(snapshot);
        assertThat(copy.channels()).isEqualTo(agreedViews(original));
        assertThat(copy.appliedCommands()).isEqualTo(original.appliedCommands());
        assertThat(copy.consensusTimeMillis()).isEqualTo(original.consensusTimeMillis());
        for (String tag : List.of("bft.cpu", "cfto.mem")) {
            assertThat(describe(copy.events(tag, 0, 1000))).isEqualTo(describe(original.events(tag, 0, 1000)));
        }
        assertThat(copy.events("bft.cpu", 0, 1000)).hasSize(4);
        for (String probe : List.of("web-01", "web-02", "short-01")) {
            assertThat(copy.registeredKey("bft.cpu", probe).orElseThrow().spki())
                    .isEqualTo(original.registeredKey("bft.cpu", probe).orElseThrow().spki());
        }
        // unordered logs are local: not in the snapshot
        assertThat(original.events("urgent.log", 0, 10)).hasSize(1);
        assertThat(copy.events("urgent.log", 0, 10)).isEmpty();
    }

    @Test
    void aRestoredInstanceKeepsBehavingIdentically() {
        BrokerStateMachine copy = StateFixture.restored(config, original.snapshot());
        SigningProbe rotated = new SigningProbe("web-01", SignatureAlgorithm.ED25519, "web-01-rotated");
        List<Step> steps = List.of(
                // SEQ history survived: replay refused, next accepted with the next channel seq.
                // "doomed" (idle 20 s since t=0) expires on the second step, at t=21
                new Step(publish("bft.cpu", rotated.signedBytes("bft.cpu", 7), rotated.signedBytes("bft.cpu", 8)), 20),
                // the old key was replaced
                new Step(publish("bft.cpu", web01.signedBytes("bft.cpu", 9)), 21),
                new Step(publish("cfto.mem", web02.unsignedBytes("cfto.mem", 7), web02.unsignedBytes("cfto.mem", 8)), 22),
                // limits survived: cfto.mem holds at most 2 probes
                new Step(new RegisterProbe("cfto.mem", shortLived.certificate()), 23),
                new Step(new Subscribe("bft.cpu", "soc-1"), 24),
                new Step(new Unsubscribe("bft.cpu", "dash-1"), 25),
                new Step(CreateChannel.withDefaults("fresh", ChannelClass.BFT), 26),
                new Step(new Tick(), 27),
                // "urgent.log" was touched at t=14 (idle 300 s): touching again moves its deadline to t=600
                new Step(new Touch("urgent.log"), 300),
                // short-01's certificate expires at T0 + 10 min
                new Step(publish("bft.cpu", shortLived.signedBytes("bft.cpu", 2)), 599),
                new Step(publish("bft.cpu", shortLived.signedBytes("bft.cpu", 3)), 601),
                new Step(new DeleteChannel("cfto.mem"), 602),
                // a timestamp from the past moves nothing
                new Step(new Touch("bft.cpu"), 100),
                new Step(new Tick(), 1000));

        RecordingListener originalEvents = new RecordingListener();
        RecordingListener copyEvents = new RecordingListener();
        original.setListener(originalEvents);
        copy.setListener(copyEvents);
        for (Step step : steps) {
            byte[] a = original.applyOrdered(CommandCodec.encode(step.command), at(step.seconds));
            byte[] b = copy.applyOrdered(CommandCodec.encode(step.command), at(step.seconds));
            assertThat(b).as("reply to %s", step.command).isEqualTo(a);
            assertThat(copy.digest()).isEqualTo(original.digest());
        }
        assertThat(copyEvents.lines).isEqualTo(originalEvents.lines);
        assertThat(copy.channels()).isEqualTo(agreedViews(original));

        // and the steps did what they say, so the comparison above was not vacuous
        assertThat(originalEvents.removed).extracting(r -> r.tag() + ":" + r.cause())
                .containsExactly("doomed:EXPIRED", "urgent.log:EXPIRED", "cfto.mem:DELETED");
        assertThat(original.events("bft.cpu", 0, 100)).extracting(e -> e.probeId() + "/" + e.seq())
                .containsExactly("web-02/70", "short-01/1", "web-01/8", "short-01/2");
        refused(only(StateFixture.restored(config, original.snapshot())
                .applyOrdered(publish("bft.cpu", rotated.signedBytes("bft.cpu", 8)), at(1001))), RejectReason.SEQ_NOT_INCREASING);
        assertThat(original.channels()).extracting(ChannelView::tag).containsExactly("bft.cpu", "bulk.log", "fresh");
    }

    @Test
    void restoreReplacesWhateverStateWasThere() {
        // a replica that was in sync, received an unordered event, then went its own way
        BrokerStateMachine other = StateFixture.restored(config, original.snapshot());
        assertThat(only(other.applyUnordered(publish("urgent.log", web01.signedBytes("urgent.log", 5)))))
                .isInstanceOf(EventOutcome.Queued.class);
        accepted(other.applyOrdered(channel("unrelated", ChannelClass.BFT), at(15)));
        accepted(other.applyOrdered(new DeleteChannel("bulk.log"), at(15)));

        other.restore(original.snapshot());

        assertThat(other.digest()).isEqualTo(original.digest());
        assertThat(other.channels()).extracting(ChannelView::tag).containsExactlyElementsOf(
                original.channels().stream().map(ChannelView::tag).toList());
        assertThat(other.consensusTimeMillis()).isEqualTo(original.consensusTimeMillis());
        assertThat(other.appliedCommands()).isEqualTo(original.appliedCommands());
        // the local log of a channel that still exists is kept, and keeps refusing replays
        assertThat(other.events("urgent.log", 0, 10)).extracting(LoggedEvent::seq).containsExactly(5L);
        refused(only(other.applyUnordered(publish("urgent.log", web01.signedBytes("urgent.log", 5)))),
                RejectReason.SEQ_NOT_INCREASING);
        // an unordered channel this replica had deleted comes back from the snapshot with an empty local log
        assertThat(other.events("bulk.log", 0, 10)).isEmpty();
    }

    @Test
    void aRejectedSnapshotLeavesTheStateAlone() {
        byte[] digest = original.digest();
        byte[] snapshot = original.snapshot();
        for (byte[] bad : List.of(new byte[0], new byte[] {1, 2, 3, 4}, Arrays.copyOf(snapshot, snapshot.length - 1),
                Arrays.copyOf(snapshot, snapshot.length + 1))) {
            assertThatThrownBy(() -> original.restore(bad)).isInstanceOf(WireFormatException.class);
            assertThat(original.digest()).isEqualTo(digest);
        }
    }

    @Test
    void snapshotsOfAnEmptyMachineAgree() {
        BrokerStateMachine a = new BrokerStateMachine(config);
        BrokerStateMachine b = StateFixture.restored(config, a.snapshot());
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(b.channels()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private record Step(BrokerCommand command, double seconds) {
    }

    private static void apply(BrokerStateMachine sm, BrokerCommand command, double seconds) {
        assertThat(sm.applyOrdered(command, at(seconds))).isNotInstanceOf(CommandResult.Rejected.class);
    }

    /** Views of the agreed state: unordered channels' lastSeq and log are local, so they are zeroed. */
    private static List<ChannelView> agreedViews(BrokerStateMachine sm) {
        List<ChannelView> views = new ArrayList<>();
        for (ChannelView v : sm.channels()) {
            if (v.channelClass().ordered()) {
                views.add(v);
            } else {
                views.add(new ChannelView(v.tag(), v.channelClass(), v.idleTimeoutSeconds(), v.maxProbes(),
                        v.maxSubscribers(), v.retention(), v.createdAtMillis(), v.lastActivityMillis(), 0, 0, 0, 0,
                        v.probes(), v.subscribers(), v.probeKeys()));
            }
        }
        return views;
    }

    private static List<String> describe(List<LoggedEvent> events) {
        return events.stream().map(e -> e.channelSeq() + "@" + e.orderedAtMillis() + " " + e.probeId() + "/" + e.seq()
                + " " + e.envelopeJson()).toList();
    }
}
