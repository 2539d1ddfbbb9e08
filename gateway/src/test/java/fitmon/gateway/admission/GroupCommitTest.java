package fitmon.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RejectReason;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    /** The commands sent, each with its priority and path; completed by the test. */
    private static final class Replicas implements GroupCommit.Sender {
        record Sent(int priority, Publish publish, boolean unordered, CompletableFuture<CommandResult> reply) {
            List<String> events() {
                return publish.events().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            }

            /** Appends every event, numbering from {@code firstSeq}. */
            void appendAll(long firstSeq) {
                List<EventOutcome> outcomes = new ArrayList<>();
                for (int i = 0; i < publish.events().size(); i++) {
                    outcomes.add(new EventOutcome.Appended(firstSeq + i, 1000));
                }
                reply.complete(new CommandResult.Published(outcomes));
            }
        }

        final List<Sent> sent = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<CommandResult> send(int priority, Publish publish, boolean unordered) {
            Sent s = new Sent(priority, publish, unordered, new CompletableFuture<>());
            sent.add(s);
            return s.reply;
        }
    }

    private final Replicas replicas = new Replicas();

    private static List<byte[]> events(String... names) {
        return java.util.Arrays.stream(names).map(n -> n.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<Long> seqs(CompletableFuture<CommandResult> result) {
        return ((CommandResult.Published) result.join()).outcomes().stream()
                .map(o -> ((EventOutcome.Appended) o).channelSeq()).toList();
    }

    @Test
    void aLoneRequestLeavesAtOnceAndAlone() {
        GroupCommit group = new GroupCommit(replicas, 2, 500, 1 << 20, 5000);
        CompletableFuture<CommandResult> result = group.publish(7, "host.cpu", events("a", "b"), false);
        assertThat(replicas.sent).hasSize(1);
        assertThat(replicas.sent.get(0).events()).containsExactly("a", "b");
        assertThat(replicas.sent.get(0).priority()).isEqualTo(7);
        replicas.sent.get(0).appendAll(1);
        assertThat(seqs(result)).containsExactly(1L, 2L);
    }

    @Test
    void requestsArrivingWhileTheSlotsAreBusyLeaveTogetherAndEachGetsItsOwnOutcomes() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 5000);
        CompletableFuture<CommandResult> first = group.publish(10, "host.cpu", events("a"), false);
        CompletableFuture<CommandResult> second = group.publish(10, "host.cpu", events("b", "c"), false);
        CompletableFuture<CommandResult> third = group.publish(90, "host.cpu", events("d"), false);
        CompletableFuture<CommandResult> fourth = group.publish(20, "host.cpu", events("e"), false);
        assertThat(replicas.sent).as("one command out, the rest wait").hasSize(1);
        assertThat(group.waitingRequests()).isEqualTo(3);

        replicas.sent.get(0).appendAll(1);
        assertThat(seqs(first)).containsExactly(1L);
        assertThat(replicas.sent).hasSize(2);
        Replicas.Sent grouped = replicas.sent.get(1);
        assertThat(grouped.events()).as("by priority, then in arrival order").containsExactly("d", "e", "b", "c");
        assertThat(grouped.priority()).as("the highest priority of the group").isEqualTo(90);
        assertThat(second).isNotDone();

        grouped.appendAll(2);
        assertThat(seqs(third)).containsExactly(2L);
        assertThat(seqs(fourth)).containsExactly(3L);
        assertThat(seqs(second)).containsExactly(4L, 5L);
        assertThat(group.waitingRequests()).isZero();
        assertThat(group.commandsSent()).isEqualTo(2);
        assertThat(group.requestsSent()).isEqualTo(4);
    }

    @Test
    void aCommandCarriesAtMostMaxEventsAndARequestLargerThanThatTravelsAlone() {
        GroupCommit group = new GroupCommit(replicas, 1, 3, 1 << 20, 5000);
        group.publish(1, "t", events("0"), false);
        group.publish(1, "t", events("a", "b"), false);
        group.publish(1, "t", events("c", "d"), false);
        group.publish(1, "t", events("w", "x", "y", "z"), false);
        group.publish(1, "t", events("e"), false);
        replicas.sent.get(0).appendAll(1);
        assertThat(replicas.sent.get(1).events()).containsExactly("a", "b");
        replicas.sent.get(1).appendAll(2);
        assertThat(replicas.sent.get(2).events()).containsExactly("c", "d");
        replicas.sent.get(2).appendAll(4);
        assertThat(replicas.sent.get(3).events()).containsExactly("w", "x", "y", "z");
        replicas.sent.get(3).appendAll(6);
        assertThat(replicas.sent.get(4).events()).containsExactly("e");
    }

    @Test
    void aRequestWhoseCallerStoppedWaitingIsNotSent() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 5000);
        group.publish(1, "t", events("0"), false);
        CompletableFuture<CommandResult> abandoned = group.publish(1, "t", events("a"), false);
        CompletableFuture<CommandResult> kept = group.publish(1, "t", events("b"), false);
        abandoned.cancel(false);
        replicas.sent.get(0).appendAll(1);
        assertThat(replicas.sent.get(1).events()).containsExactly("b");
        replicas.sent.get(1).appendAll(2);
        assertThat(seqs(kept)).containsExactly(2L);
    }

    @Test
    void aSenderThatAnswersAtOnceDoesNotNestOneCallPerWaitingRequest() {
        // every command completes before send returns; with 1 event per command, 20,000 waiting
        // requests would be 20,000 nested calls if each completion sent the next itself
        AtomicLong seq = new AtomicLong();
        List<CompletableFuture<CommandResult>> blocked = new ArrayList<>();
        GroupCommit.Sender sender = (priority, publish, unordered) -> {
            if (seq.incrementAndGet() == 1) {
                CompletableFuture<CommandResult> first = new CompletableFuture<>();
                blocked.add(first);
                return first;
            }
            return CompletableFuture.completedFuture(new CommandResult.Published(
                    List.of(new EventOutcome.Appended(seq.get(), 1))));
        };
        GroupCommit group = new GroupCommit(sender, 1, 1, 1 << 20, 100_000);
        group.publish(1, "t", events("first"), false);
        List<CompletableFuture<CommandResult>> waiting = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            waiting.add(group.publish(1, "t", events("e" + i), false));
        }
        blocked.get(0).complete(new CommandResult.Published(List.of(new EventOutcome.Appended(1, 1))));
        assertThat(waiting).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(group.commandsSent()).isEqualTo(20_001);
    }

    @Test
    void waitingRequestsLeaveByPriorityAndAFullLaneMakesRoomForHigherPriority() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 3);
        group.publish(50, "t", events("out"), false);
        CompletableFuture<CommandResult> low1 = group.publish(10, "t", events("low1"), false);
        CompletableFuture<CommandResult> low2 = group.publish(10, "t", events("low2"), false);
        CompletableFuture<CommandResult> mid = group.publish(50, "t", events("mid"), false);
        CompletableFuture<CommandResult> high = group.publish(90, "t", events("high"), false);
        assertThat(low2).as("the newest of the lowest priority made room").isCompletedExceptionally();
        assertThat(low1).isNotDone();
        assertThatThrownBy(() -> group.publish(10, "t", events("low3"), false)).as("no room for equal or lower priority")
                .isInstanceOf(OverloadedException.class);
        replicas.sent.get(0).appendAll(1);
        assertThat(replicas.sent.get(1).events()).containsExactly("high", "mid", "low1");
        replicas.sent.get(1).appendAll(2);
        assertThat(seqs(high)).containsExactly(2L);
        assertThat(seqs(mid)).containsExactly(3L);
        assertThat(seqs(low1)).containsExactly(4L);
    }

    @Test
    void aCommandCarriesAtMostMaxBytes() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 5, 5000);
        group.publish(1, "t", events("0"), false);
        group.publish(1, "t", events("aa", "bb"), false);
        group.publish(1, "t", events("cc"), false);
        replicas.sent.get(0).appendAll(1);
        assertThat(replicas.sent.get(1).events()).containsExactly("aa", "bb");
    }

    @Test
    void aRefusalOfTheWholeCommandAndAFailureReachEveryRequestInIt() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 5000);
        group.publish(1, "t", events("0"), false);
        CompletableFuture<CommandResult> a = group.publish(1, "t", events("a"), false);
        CompletableFuture<CommandResult> b = group.publish(1, "t", events("b"), false);
        CommandResult.Rejected gone = new CommandResult.Rejected(RejectReason.CHANNEL_NOT_FOUND, "no channel t");
        replicas.sent.get(0).reply().complete(gone);
        replicas.sent.get(1).reply().complete(gone);
        assertThat(a.join()).isEqualTo(gone);
        assertThat(b.join()).isEqualTo(gone);

        CompletableFuture<CommandResult> c = group.publish(1, "t", events("c"), false);
        CompletableFuture<CommandResult> d = group.publish(1, "t", events("d"), false);
        CompletableFuture<CommandResult> e = group.publish(1, "t", events("e"), false);
        RuntimeException timeout = new RuntimeException("no f+1 replies");
        replicas.sent.get(2).reply().completeExceptionally(timeout);
        replicas.sent.get(3).reply().completeExceptionally(timeout);
        for (CompletableFuture<CommandResult> failed : List.of(c, d, e)) {
            assertThat(failed).isCompletedExceptionally();
        }
    }

    @Test
    void aReplyWithTheWrongNumberOfOutcomesIsAFailureNotAGuess() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 5000);
        group.publish(1, "t", events("0"), false);
        CompletableFuture<CommandResult> a = group.publish(1, "t", events("a"), false);
        CompletableFuture<CommandResult> b = group.publish(1, "t", events("b"), false);
        replicas.sent.get(0).appendAll(1);
        replicas.sent.get(1).reply().complete(new CommandResult.Published(List.of(new EventOutcome.Appended(2, 1))));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
    }

    @Test
    void aSenderThatThrowsFailsTheRequestsAndTheLaneGoesOn() {
        AtomicLong calls = new AtomicLong();
        GroupCommit group = new GroupCommit((priority, publish, unordered) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("not connected");
            }
            return CompletableFuture.completedFuture(new CommandResult.Published(List.of(new EventOutcome.Appended(1, 1))));
        }, 1, 500, 1 << 20, 5000);
        assertThat(group.publish(1, "t", events("a"), false)).isCompletedExceptionally();
        assertThat(seqs(group.publish(1, "t", events("b"), false))).containsExactly(1L);
    }

    @Test
    void channelsAndPathsHaveTheirOwnSlots() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 5000);
        group.publish(1, "a", events("1"), false);
        group.publish(1, "b", events("2"), false);
        group.publish(1, "a", events("3"), true);
        assertThat(replicas.sent).hasSize(3);
        assertThat(replicas.sent.get(2).unordered()).isTrue();
        assertThat(replicas.sent.get(2).publish().tag()).isEqualTo("a");
    }

    @Test
    void whenTooManyEventsWaitForAChannelTheNextRequestIsRefusedAtOnce() {
        GroupCommit group = new GroupCommit(replicas, 1, 500, 1 << 20, 4);
        group.publish(1, "t", events("out"), false);
        group.publish(1, "t", events("a", "b"), false);
        group.publish(1, "t", events("c", "d"), false);
        assertThatThrownBy(() -> group.publish(1, "t", events("e"), false)).isInstanceOf(OverloadedException.class)
                .hasMessageContaining("4 events already wait to be ordered on channel t");
        group.publish(1, "other", events("x"), false); // another channel is not held up
        replicas.sent.get(0).appendAll(1);
        assertThat(group.waitingRequests()).isZero();
        group.publish(1, "t", events("e"), false); // room again
    }

    @Test
    void underConcurrentLoadEveryRequestIsAnsweredWithItsOwnEventsInOrder() throws Exception {
        // a sender that answers from other threads, numbering events in the order commands arrive
        AtomicLong nextSeq = new AtomicLong(1);
        ExecutorService replies = Executors.newFixedThreadPool(3);
        List<String> ordered = new CopyOnWriteArrayList<>();
        GroupCommit group = new GroupCommit((priority, publish, unordered) -> CompletableFuture.supplyAsync(() -> {
            List<EventOutcome> outcomes = new ArrayList<>();
            synchronized (ordered) {
                for (byte[] event : publish.events()) {
                    ordered.add(new String(event, StandardCharsets.UTF_8));
                    outcomes.add(new EventOutcome.Appended(nextSeq.getAndIncrement(), 1));
                }
            }
            return new CommandResult.Published(outcomes);
        }, replies), 2, 7, 1 << 20, 100_000);
        int writers = 8;
        int each = 200;
        ExecutorService clients = Executors.newFixedThreadPool(writers);
        CountDownLatch done = new CountDownLatch(writers);
        List<String> problems = new CopyOnWriteArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            clients.submit(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        String name = writer + ":" + i;
                        List<Long> got = seqs(group.publish(1, "t", events(name + "a", name + "b"), false));
                        synchronized (ordered) {
                            if (got.size() != 2 || !ordered.get((int) (got.get(0) - 1)).equals(name + "a")
                                    || !ordered.get((int) (got.get(1) - 1)).equals(name + "b")) {
                                problems.add(name + " got " + got);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        clients.shutdownNow();
        replies.shutdownNow();
        assertThat(problems).isEmpty();
        assertThat(ordered).hasSize(writers * each * 2).doesNotHaveDuplicates();
        for (int w = 0; w < writers; w++) {
            String prefix = w + ":";
            List<String> mine = ordered.stream().filter(s -> s.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(prefix + i + "a");
                expected.add(prefix + i + "b");
            }
            assertThat(mine).as("writer %d's events keep its order", w).isEqualTo(expected);
        }
        assertThat(group.waitingRequests()).isZero();
    }
}
