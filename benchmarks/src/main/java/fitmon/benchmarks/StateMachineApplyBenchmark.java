package fitmon.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.ChannelView;
import fitmon.broker.state.PrecomputedVerdicts;
import fitmon.broker.state.StateMachineConfig;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.pki.CertificateAuthority;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Apply rate of the deterministic state machine on one thread, as a replica's execution thread
 * runs it: {@code applyOrdered(encoded command, consensus time)} with decoding, envelope parsing,
 * registration and SEQ checks, signature verification, canonicalisation for the log, append, and
 * result encoding. Scores are events per second (batches use {@code @OperationsPerInvocation}).
 *
 * <p>Every command carries events with strictly increasing per-probe SEQ and a strictly increasing
 * consensus timestamp. Events are pre-generated (pre-signed) into a pool of {@link #POOL_EVENTS};
 * each iteration starts from a freshly built state (2 channels, 4 registered probes, 2
 * subscribers). When the pool runs out within an iteration, the state is checked and rebuilt on the
 * spot (about 0.4 ms per pool, inside the measurement except for the precomputed variant, and
 * printed after the iteration) and the pool is replayed. At the end of each iteration (and before
 * every rebuild) the channel's last sequence number must equal the number of events fed and the
 * last result must be all {@code Appended}: a refusal fails the run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed heap, so heap resizing does not add to the noise of a growing log.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class StateMachineApplyBenchmark {

    static final String BFT_TAG = "host.cpu";
    static final String CFT_TAG = "host.mem";
    static final int PROBES = 4;
    static final int BATCH = 50;
    /**
     * Events pre-generated per benchmark, and so the most a log holds: the same for every feed so
     * that their GC load (live set) compares. At ~10k signed events/s this outlasts an iteration.
     */
    static final int POOL_EVENTS = 100_000;
    /** Large retention, so every accepted event stays in the log for the iteration. */
    static final ChannelRetention LARGE_RETENTION = new ChannelRetention(1_000_000, 1L << 30);

    // ------------------------------------------------------------------------------- fixtures

    /** CA, probes and the commands that build the starting state. */
    static final class World {
        final CertificateAuthority ca = CertificateAuthority.generate("fitmon-bench-ca");
        final List<Fixtures.Probe> probes = new ArrayList<>();
        /** Consensus time of the first command: now, so the probe certificates are valid. */
        final long startMillis = Instant.now().toEpochMilli();

        World() {
            for (int p = 0; p < PROBES; p++) {
                probes.add(Fixtures.Probe.create(ca, String.format("web-%02d", p + 1)));
            }
        }

        /** A fresh state machine with a BFT and a CFT_O channel, every probe registered to both. */
        BrokerStateMachine fresh(BrokerStateMachine machine) {
            long t = startMillis;
            List<BrokerCommand> setup = new ArrayList<>();
            for (String tag : List.of(BFT_TAG, CFT_TAG)) {
                ChannelClass cls = tag.equals(BFT_TAG) ? ChannelClass.BFT : ChannelClass.CFT_O;
                setup.add(new CreateChannel(tag, cls, 0, 100, 100, LARGE_RETENTION));
                for (Fixtures.Probe probe : probes) {
                    setup.add(new RegisterProbe(tag, probe.certificate()));
                }
                setup.add(new Subscribe(tag, "console-1"));
                setup.add(new Subscribe(tag, "siem-1"));
            }
            for (BrokerCommand command : setup) {
                CommandResult result = ResultCodec.decode(machine.applyOrdered(CommandCodec.encode(command), t++));
                if (!(result instanceof CommandResult.Accepted)) {
                    throw new IllegalStateException("benchmark setup refused: " + command + " -> " + result);
                }
            }
            return machine;
        }

        long firstPublishMillis() {
            return startMillis + 1000;
        }

        /** Event {@code i} of a pool: probes in turn, each with SEQ 1, 2, 3 ... */
        Event event(String tag, int i, boolean signed) {
            Fixtures.Probe probe = probes.get(i % PROBES);
            Event event = Fixtures.event(probe.id(), tag, i / PROBES + 1, i);
            return signed ? probe.signed(event) : event;
        }
    }

    /** Pre-generated commands fed in order to a state machine, with the acceptance checks. */
    public abstract static class Feed {
        private final String tag;
        private final boolean signed;
        private final int eventsPerCommand;
        private final int poolEvents;

        World world;
        byte[][] eventBytes;
        byte[][] commands;
        BrokerStateMachine machine;
        int next;
        long consensusMillis;
        long fedEvents;
        byte[] lastResult;
        int rebuilds;

        Feed(String tag, boolean signed, int eventsPerCommand, int poolEvents) {
            this.tag = tag;
            this.signed = signed;
            this.eventsPerCommand = eventsPerCommand;
            this.poolEvents = poolEvents;
        }

        @Setup(Level.Trial)
        public void generate() {
            world = new World();
            // Signing is setup work; use both cores.
            Event[] pool = IntStream.range(0, poolEvents).parallel()
                    .mapToObj(i -> world.event(tag, i, signed)).toArray(Event[]::new);
            commands = new byte[poolEvents / eventsPerCommand][];
            eventBytes = keepEvents() ? new byte[pool.length][] : null;
            for (int c = 0; c < commands.length; c++) {
                List<byte[]> batch = new ArrayList<>(eventsPerCommand);
                for (int e = 0; e < eventsPerCommand; e++) {
                    byte[] bytes = EventJson.toBytes(pool[c * eventsPerCommand + e]);
                    batch.add(bytes);
                    if (eventBytes != null) {
                        eventBytes[c * eventsPerCommand + e] = bytes;
                    }
                }
                commands[c] = CommandCodec.encode(new Publish(tag, batch));
            }
        }

        /** Whether each event's bytes stay available after setup, apart from its command's. */
        boolean keepEvents() {
            return false;
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            rebuild();
            rebuilds = 0;
        }

        BrokerStateMachine newMachine(StateMachineConfig config) {
            return new BrokerStateMachine(config);
        }

        private void rebuild() {
            machine = world.fresh(newMachine(StateMachineConfig.defaults(world.ca.publicKey())));
            next = 0;
            fedEvents = 0;
            lastResult = null;
            consensusMillis = world.firstPublishMillis();
        }

        /** Rebuilds the state when the pool is used up, so SEQs start again from 1. */
        void wrapIfExhausted() {
            if (next == commands.length) {
                check();
                rebuild();
                rebuilds++;
            }
        }

        /** Applies the next command at the next consensus millisecond. */
        byte[] applyNext() {
            wrapIfExhausted();
            byte[] result = machine.applyOrdered(commands[next++], ++consensusMillis);
            fedEvents += eventsPerCommand;
            lastResult = result;
            return result;
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            check();
            if (rebuilds > 0) {
                System.out.printf("(pool of %d events used up %d times this iteration; state rebuilt each time)%n",
                        poolEvents, rebuilds);
            }
        }

        /** Every event fed since the last rebuild was appended, or the run fails. */
        void check() {
            if (lastResult == null) {
                return;
            }
            ChannelView view = machine.channel(tag).orElseThrow(
                    () -> new IllegalStateException("channel " + tag + " vanished during the benchmark"));
            if (view.lastSeq() != fedEvents || view.retainedEvents() != fedEvents) {
                throw new IllegalStateException("only " + view.lastSeq() + " of " + fedEvents + " events fed to "
                        + tag + " were appended (" + view.retainedEvents() + " retained): the benchmark measured refusals");
            }
            CommandResult last = ResultCodec.decode(lastResult);
            if (!(last instanceof CommandResult.Published published)
                    || published.outcomes().size() != eventsPerCommand
                    || !published.outcomes().stream().allMatch(o -> o instanceof EventOutcome.Appended)) {
                throw new IllegalStateException("last publish to " + tag + " was not fully appended: " + last);
            }
        }
    }

    /** (a) one signed event per command on the BFT channel. */
    @State(Scope.Thread)
    public static class SignedSingle extends Feed {
        public SignedSingle() {
            super(BFT_TAG, true, 1, POOL_EVENTS);
        }
    }

    /** (b) batches of 50 signed events on the BFT channel. */
    @State(Scope.Thread)
    public static class SignedBatch extends Feed {
        public SignedBatch() {
            super(BFT_TAG, true, BATCH, POOL_EVENTS);
        }
    }

    /** (c) batches of 50 unsigned events on the CFT_O channel: the state machine without crypto. */
    @State(Scope.Thread)
    public static class UnsignedBatch extends Feed {
        public UnsignedBatch() {
            super(CFT_TAG, false, BATCH, POOL_EVENTS);
        }
    }

    /**
     * (e) batches of 50 signed events on the BFT channel prepared ahead of ordering (parsed,
     * canonicalised and verified by {@link PrecomputedVerdicts}, as the replica's {@code prepare}
     * does on the receiving threads). The preparation runs in a per-invocation setup, outside the
     * measurement.
     */
    @State(Scope.Thread)
    public static class PrecomputedBatch extends Feed {
        private PrecomputedVerdicts verdicts;

        public PrecomputedBatch() {
            super(BFT_TAG, true, BATCH, POOL_EVENTS);
        }

        @Override
        boolean keepEvents() {
            return true;
        }

        @Override
        BrokerStateMachine newMachine(StateMachineConfig config) {
            verdicts = new PrecomputedVerdicts(10 * BATCH);
            return new BrokerStateMachine(config, verdicts);
        }

        @Setup(Level.Invocation)
        public void precomputeNext() {
            wrapIfExhausted();
            for (int e = 0; e < BATCH; e++) {
                verdicts.precompute(eventBytes[next * BATCH + e], event -> machine.registeredKey(BFT_TAG, event.probeId()));
            }
        }
    }

    /** (d) a state holding {@code events} signed events on the BFT channel. */
    @State(Scope.Benchmark)
    public static class Filled {
        @Param({"10000"})
        public int events;

        BrokerStateMachine machine;

        @Setup(Level.Trial)
        public void fill() {
            World world = new World();
            machine = world.fresh(new BrokerStateMachine(StateMachineConfig.defaults(world.ca.publicKey())));
            Event[] pool = IntStream.range(0, events).parallel()
                    .mapToObj(i -> world.event(BFT_TAG, i, true)).toArray(Event[]::new);
            long t = world.firstPublishMillis();
            for (int from = 0; from < events; from += BATCH) {
                List<byte[]> batch = new ArrayList<>(BATCH);
                for (int i = from; i < Math.min(events, from + BATCH); i++) {
                    batch.add(EventJson.toBytes(pool[i]));
                }
                machine.applyOrdered(CommandCodec.encode(new Publish(BFT_TAG, batch)), ++t);
            }
            ChannelView view = machine.channel(BFT_TAG).orElseThrow();
            if (view.retainedEvents() != events) {
                throw new IllegalStateException("state holds " + view.retainedEvents() + " events, expected " + events);
            }
            System.out.printf("%nstate: %d events, %d retained envelope bytes, snapshot %d bytes%n",
                    view.retainedEvents(), view.retainedBytes(), machine.snapshot().length);
        }
    }

    // ------------------------------------------------------------------------------ benchmarks

    /** (a) Signed single-event publishes on BFT; score = events/s. */
    @Benchmark
    public byte[] publishSignedSingle(SignedSingle feed) {
        return feed.applyNext();
    }

    /** (b) Signed 50-event publishes on BFT; score = events/s. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] publishSignedBatch50(SignedBatch feed) {
        return feed.applyNext();
    }

    /** (c) Unsigned 50-event publishes on CFT_O; score = events/s. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] publishUnsignedBatch50(UnsignedBatch feed) {
        return feed.applyNext();
    }

    /** (e) Signed 50-event publishes on BFT with verdicts computed ahead of ordering; events/s. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] publishSignedBatch50Precomputed(PrecomputedBatch feed) {
        return feed.applyNext();
    }

    /** (d) SHA-256 state digest (canonical snapshot + hash) of a state with 10,000 events. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] digest(Filled state) {
        return state.machine.digest();
    }
}
