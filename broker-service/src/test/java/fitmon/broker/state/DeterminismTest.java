package fitmon.broker.state;

import static fitmon.broker.state.RandomCommandStream.CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import fitmon.broker.state.RandomCommandStream.Generated;
import fitmon.broker.state.RandomCommandStream.Step;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.wire.WireFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Principle 1, tested: the same ordered commands with the same consensus timestamps give
 * byte-identical replies and state on independent instances.
 *
 * <p>For each seed a random stream of valid and invalid commands ({@link RandomCommandStream}) is
 * generated once, together with the replies, digests and emissions of the model instance that
 * generated it. The encoded stream is then fed, each on its own thread, to
 * <ul>
 *   <li>an instance that gets every step, ordered and unordered;</li>
 *   <li>an instance that gets only the ordered steps, so unordered traffic provably changes neither
 *       ordered replies nor the digest;</li>
 *   <li>an instance that verifies signatures through {@link PrecomputedVerdicts}, filled one step
 *       ahead the way the replica shell fills it before ordering;</li>
 *   <li>a fresh instance restored from the first one's snapshot in the middle of the stream, fed the
 *       rest.</li>
 * </ul>
 * Every ordered reply must be byte-identical to the model's (unordered ones too, except on the
 * restored instance, whose local unordered logs start empty), digests must match at every
 * checkpoint and at the end, and so must what the instances emitted to their listeners.
 */
class DeterminismTest {

    private static final long[] SEEDS = {1L, 4242L, 20_261_123L};
    private static final int COMMANDS = 4000;
    private static final int CHECKPOINT_EVERY = 250;
    private static final int MID = COMMANDS / 2;

    private static ExecutorService threads;
    private static final Map<Long, Future<Generated>> STREAMS = new HashMap<>();

    /** Signing dominates generation; the seeds' streams are generated side by side. */
    @BeforeAll
    static void generateStreams() {
        threads = Executors.newFixedThreadPool(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())));
        for (long seed : SEEDS) {
            STREAMS.put(seed, threads.submit(() -> RandomCommandStream.generate(seed, COMMANDS, CHECKPOINT_EVERY)));
        }
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    static LongStream seeds() {
        return LongStream.of(SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void independentInstancesAgreeOnEveryReplyDigestAndEmission(long seed) throws Exception {
        Generated stream = STREAMS.get(seed).get();
        assertThat(stream.steps()).hasSize(COMMANDS);

        PrecomputedVerdicts verdicts = new PrecomputedVerdicts(64);
        Future<Run> everything = threads.submit(() -> new Replica("every step", new BrokerStateMachine(CONFIG), null)
                .run(stream.steps(), 0, true));
        Future<Run> orderedOnly = threads.submit(() -> new Replica("ordered steps only", new BrokerStateMachine(CONFIG), null)
                .run(stream.steps(), 0, false));
        Future<Run> precomputed = threads.submit(() -> new Replica("precomputed verdicts",
                new BrokerStateMachine(CONFIG, verdicts), verdicts).run(stream.steps(), 0, true));
        byte[] midSnapshot = get(everything).snapshotAfterMid;
        Run restored = new Replica("restored after step " + MID, StateFixture.restored(CONFIG, midSnapshot), null)
                .run(stream.steps(), MID + 1, true);

        for (Run run : List.of(get(everything), get(orderedOnly), get(precomputed), restored)) {
            assertAgreesWithTheModel(run, stream);
        }
        assertThat(get(everything).listenerLines).isEqualTo(stream.listenerLines());
        assertThat(get(precomputed).listenerLines).isEqualTo(stream.listenerLines());
        assertThat(get(orderedOnly).listenerLines).isEqualTo(withoutUnorderedAppends(stream.listenerLines()));
        int linesBeforeRestore = stream.linesAfterStep().get(MID);
        assertThat(withoutUnorderedAppends(restored.listenerLines)).isEqualTo(withoutUnorderedAppends(
                stream.listenerLines().subList(linesBeforeRestore, stream.listenerLines().size())));
        assertThat(StateFixture.restored(CONFIG, midSnapshot).channels()).as("the mid-stream snapshot is not trivial")
                .isNotEmpty();

        assertTheStreamExercisedEverything(stream);
    }

    // ------------------------------------------------------------------ replicas

    /** What one instance answered and emitted while fed (part of) a stream. */
    private static final class Run {
        final String name;
        final int firstStep;
        final boolean unordered;
        final byte[][] replies;
        final Map<Integer, byte[]> digests = new HashMap<>();
        byte[] snapshotAfterMid;
        byte[] finalDigest;
        long appliedCommands;
        long consensusTimeMillis;
        List<String> listenerLines;

        Run(String name, int firstStep, boolean unordered, int steps) {
            this.name = name;
            this.firstStep = firstStep;
            this.unordered = unordered;
            this.replies = new byte[steps][];
        }
    }

    /** One instance under test, with its listener and (optionally) a verdict cache to fill. */
    private static final class Replica {
        final String name;
        final BrokerStateMachine sm;
        final PrecomputedVerdicts verdicts;
        final RecordingListener listener = new RecordingListener();

        Replica(String name, BrokerStateMachine sm, PrecomputedVerdicts verdicts) {
            this.name = name;
            this.sm = sm;
            this.verdicts = verdicts;
            sm.setListener(listener);
        }

        /** Feeds steps from {@code first} on; unordered steps only if {@code unordered}. */
        Run run(List<Step> steps, int first, boolean unordered) {
            Run run = new Run(name, first, unordered, steps.size());
            if (verdicts != null && first < steps.size()) {
                prepare(steps.get(first));
            }
            for (int i = first; i < steps.size(); i++) {
                Step step = steps.get(i);
                if (verdicts != null && i + 1 < steps.size()) {
                    prepare(steps.get(i + 1));  // ahead of ordering, against the keys registered now
                }
                if (step.ordered()) {
                    run.replies[i] = sm.applyOrdered(step.command(), step.consensusMillis());
                } else if (unordered) {
                    run.replies[i] = sm.applyUnordered(step.command());
                }
                if ((i + 1) % CHECKPOINT_EVERY == 0) {
                    run.digests.put(i, sm.digest());
                }
                if (i == MID) {
                    run.snapshotAfterMid = sm.snapshot();
                }
            }
            run.finalDigest = sm.digest();
            run.appliedCommands = sm.appliedCommands();
            run.consensusTimeMillis = sm.consensusTimeMillis();
            run.listenerLines = List.copyOf(listener.lines);
            return run;
        }

        /** What the replica shell does when a request arrives: verify signatures with the key registered now. */
        private void prepare(Step step) {
            BrokerCommand command;
            try {
                command = CommandCodec.decode(step.command());
            } catch (WireFormatException e) {
                return;
            }
            if (!(command instanceof Publish publish)) {
                return;
            }
            for (byte[] bytes : publish.events()) {
                verdicts.precompute(bytes, event -> sm.registeredKey(publish.tag(), event.probeId()));
            }
        }
    }

    private static void assertAgreesWithTheModel(Run run, Generated stream) {
        // the restored instance's unordered logs start empty, so only its ordered replies must match
        boolean compareUnordered = run.unordered && run.firstStep == 0;
        int compared = 0;
        for (int i = run.firstStep; i < stream.steps().size(); i++) {
            Step step = stream.steps().get(i);
            if (!step.ordered() && !compareUnordered) {
                continue;
            }
            compared++;
            byte[] expected = stream.replies().get(i);
            if (!Arrays.equals(run.replies[i], expected)) {
                fail("%s diverged at step %d (%s, t=%d, command %s):%n  expected %s%n  actual   %s", run.name, i,
                        step.ordered() ? "ordered" : "unordered", step.consensusMillis(), describe(step.command()),
                        describeReply(expected), describeReply(run.replies[i]));
            }
        }
        assertThat(compared).as("replies compared for %s", run.name).isGreaterThan(COMMANDS / 3);
        int checkpoints = 0;
        for (Map.Entry<Integer, byte[]> checkpoint : stream.digestAfterStep().entrySet()) {
            if (checkpoint.getKey() >= run.firstStep) {
                checkpoints++;
                assertThat(run.digests.get(checkpoint.getKey())).as("digest of %s after step %d", run.name, checkpoint.getKey())
                        .isEqualTo(checkpoint.getValue());
            }
        }
        assertThat(checkpoints).isGreaterThanOrEqualTo((COMMANDS - run.firstStep) / CHECKPOINT_EVERY);
        assertThat(run.finalDigest).as("final digest of %s", run.name).isEqualTo(stream.finalDigest());
        assertThat(run.appliedCommands).as("applied commands of %s", run.name).isEqualTo(stream.appliedCommands());
        assertThat(run.consensusTimeMillis).as("consensus time of %s", run.name).isEqualTo(stream.consensusTimeMillis());
    }

    private static String describe(byte[] command) {
        try {
            BrokerCommand decoded = CommandCodec.decode(command);
            return decoded instanceof Publish p ? "Publish[" + p.tag() + ", " + p.events().size() + " events]" : decoded.toString();
        } catch (WireFormatException e) {
            return "undecodable (" + e.getMessage() + ")";
        }
    }

    private static String describeReply(byte[] reply) {
        if (reply == null) {
            return "none";
        }
        try {
            return ResultCodec.decode(reply).toString();
        } catch (WireFormatException e) {
            return "undecodable reply " + Arrays.toString(reply);
        }
    }

    private static List<String> withoutUnorderedAppends(List<String> lines) {
        return lines.stream()
                .filter(l -> !(l.startsWith("append ") && (l.contains(" CFT_NO_U #") || l.contains(" CFT_NO_NU #"))))
                .toList();
    }

    private static <T> T get(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new AssertionError("an instance failed while being fed", e.getCause());
        }
    }

    // ------------------------------------------------------------------ the stream was not vacuous

    private static void assertTheStreamExercisedEverything(Generated stream) {
        Map<RejectReason, Integer> reasons = new EnumMap<>(RejectReason.class);
        int accepted = 0;
        int appended = 0;
        int queued = 0;
        int unorderedSteps = 0;
        int backwards = 0;
        int jumps = 0;
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < stream.steps().size(); i++) {
            Step step = stream.steps().get(i);
            if (!step.ordered()) {
                unorderedSteps++;
            } else {
                if (step.consensusMillis() < latest) {
                    backwards++;
                } else if (latest != Long.MIN_VALUE && step.consensusMillis() - latest > 60_000) {
                    jumps++;
                }
                latest = Math.max(latest, step.consensusMillis());
            }
            CommandResult result = ResultCodec.decode(stream.replies().get(i));  // every reply decodes
            if (result instanceof CommandResult.Accepted) {
                accepted++;
            } else if (result instanceof CommandResult.Rejected r) {
                reasons.merge(r.reason(), 1, Integer::sum);
            } else if (result instanceof CommandResult.Published p) {
                for (EventOutcome outcome : p.outcomes()) {
                    if (outcome instanceof EventOutcome.Appended) {
                        appended++;
                    } else if (outcome instanceof EventOutcome.Queued) {
                        queued++;
                    } else if (outcome instanceof EventOutcome.Refused f) {
                        reasons.merge(f.reason(), 1, Integer::sum);
                    }
                }
            }
        }
        Set<RejectReason> missing = new HashSet<>(List.of(RejectReason.values()));
        missing.removeAll(reasons.keySet());
        assertThat(missing).as("refusal reasons the stream never produced (seen: %s)", reasons).isEmpty();
        assertThat(accepted).isGreaterThan(300);
        assertThat(appended).isGreaterThan(300);
        assertThat(queued).isGreaterThan(100);
        assertThat(unorderedSteps).isGreaterThan(300);
        assertThat(backwards).isGreaterThan(10);
        assertThat(jumps).isGreaterThan(10);
        long expired = removals(stream, RemovalCause.EXPIRED);
        assertThat(expired).isGreaterThan(10);
        assertThat(removals(stream, RemovalCause.DELETED)).isGreaterThan(10);
        assertThat(stream.listenerLines()).as("some channel expired with subscribers to notify")
                .anyMatch(l -> l.startsWith("removed ") && l.contains(" EXPIRED [con-"));
        System.out.printf("DeterminismTest stream: accepted=%d appended=%d queued=%d expired=%d refusals=%s%n",
                accepted, appended, queued, expired, reasons);
    }

    private static long removals(Generated stream, RemovalCause cause) {
        return stream.listenerLines().stream().filter(l -> l.startsWith("removed ") && l.split(" ")[2].equals(cause.name()))
                .count();
    }
}
