package fitmon.gateway.admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import fitmon.core.command.CommandResult;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;

/**
 * Group commit of publishes: concurrent requests to the same channel travel as one ordered
 * command, and each request still gets its own outcomes.
 *
 * <p>Per channel (and path, ordered or not) at most {@code maxInFlight} commands are out at once.
 * A request that finds a free slot leaves at once, alone, so a lone probe waits for nothing. Those
 * that arrive while every slot is busy wait, and when a command completes the next one carries
 * all of them, up to {@code maxEvents} events and {@code maxBytes} bytes (a request larger than
 * that travels alone, and the replicas judge it). Under load a command thus carries what arrived
 * during one round trip: one gateway signature, one command signature check per replica and one
 * slot in a consensus batch for many events.
 *
 * <p>The replicas treat each event of a publish on its own (registration, signature, SEQ of its
 * probe), so a request's outcomes are the same whether it travels alone or with others, except
 * for refusals of the command as a whole (channel not found, wrong delivery path), which every
 * request in it gets, as it would alone. Events of one probe keep the order of its requests.
 *
 * <p>Waiting requests leave by role priority, first come first served within a priority; a
 * command travels at the highest priority of the requests it carries (see
 * {@link PriorityScheduler}). Memory is bounded: when {@code maxWaitingEvents} events already wait
 * for one channel, a new request takes the place of waiting ones of lower priority, or else is
 * refused at once ({@link OverloadedException}, 429): ordering is not keeping up. A request whose
 * caller stopped waiting (its future cancelled) is dropped before it is sent.
 */
public final class GroupCommit {

    /** Sends one publish with a priority; completes with what f+1 replicas answered. */
    @FunctionalInterface
    public interface Sender {
        CompletableFuture<CommandResult> send(int priority, Publish publish, boolean unordered);
    }

    private final Sender sender;
    private final int maxInFlight;
    private final int maxEvents;
    private final long maxBytes;
    private final int maxWaitingEvents;
    private final ConcurrentHashMap<Lane.Key, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final LongAdder commandsSent = new LongAdder();
    private final LongAdder requestsSent = new LongAdder();

    public GroupCommit(Sender sender, int maxInFlight, int maxEvents, long maxBytes, int maxWaitingEvents) {
        if (maxInFlight < 1 || maxEvents < 1 || maxBytes < 1 || maxWaitingEvents < 1) {
            throw new IllegalArgumentException("group commit limits must be positive: maxInFlight=" + maxInFlight
                    + ", maxEvents=" + maxEvents + ", maxBytes=" + maxBytes + ", maxWaitingEvents=" + maxWaitingEvents);
        }
        this.sender = sender;
        this.maxInFlight = maxInFlight;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.maxWaitingEvents = maxWaitingEvents;
    }

    /**
     * Publishes one request's events; completes with the result for these events alone: a
     * {@link CommandResult.Published} with one outcome per event in order, or the command's
     * refusal, or the command's failure.
     *
     * @throws OverloadedException too many events already wait for this channel
     */
    public CompletableFuture<CommandResult> publish(int priority, String tag, List<byte[]> events, boolean unordered) {
        Lane.Key key = new Lane.Key(tag, unordered);
        Request request = new Request(priority, arrivals.incrementAndGet(), events, bytesOf(events));
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, Lane::new);
            Boolean admitted = lane.admit(request);
            if (admitted == null) {
                continue; // the lane was retired between lookup and admission: take the new one
            }
            if (!admitted) {
                throw new OverloadedException(lane.waitingEvents() + " events already wait to be ordered on channel " + tag
                        + "; retry after 1 s", Duration.ofSeconds(1));
            }
            lane.sendWhatFits();
            return request.result;
        }
    }

    /** Requests waiting for a free slot, over every channel (for metrics). */
    public int waitingRequests() {
        return lanes.values().stream().mapToInt(Lane::waitingRequests).sum();
    }

    /** Publish commands sent so far. */
    public long commandsSent() {
        return commandsSent.sum();
    }

    /** Requests those commands carried: divided by {@link #commandsSent()}, the grouping factor. */
    public long requestsSent() {
        return requestsSent.sum();
    }

    private static long bytesOf(List<byte[]> events) {
        long bytes = 0;
        for (byte[] event : events) {
            bytes += event.length;
        }
        return bytes;
    }

    private record Request(int priority, long arrival, List<byte[]> events, long bytes,
                           CompletableFuture<CommandResult> result) {
        Request(int priority, long arrival, List<byte[]> events, long bytes) {
            this(priority, arrival, events, bytes, new CompletableFuture<>());
        }

        /** Higher priority first, then first come, first served. */
        static final java.util.Comparator<Request> ORDER = java.util.Comparator.comparingInt(Request::priority).reversed()
                .thenComparingLong(Request::arrival);
    }

    /** The requests of one channel and path: those waiting, and how many commands are out. */
    private final class Lane {

        record Key(String tag, boolean unordered) {
        }

        private final Key key;
        // guarded by this
        private final java.util.TreeSet<Request> waiting = new java.util.TreeSet<>(Request.ORDER);
        private int waitingEvents;
        private int inFlight;
        private boolean retired;
        /** A thread is sending this lane's commands; others leave it to that thread (no recursion). */
        private boolean sending;
        private boolean lookAgain;

        Lane(Key key) {
            this.key = key;
        }

        /**
         * True if queued, false if full, null if this lane is retired (use a fresh one). When full,
         * a request makes room by turning away waiting requests of lower priority, newest first.
         */
        Boolean admit(Request request) {
            List<Request> turnedAway = new ArrayList<>();
            Boolean admitted;
            synchronized (this) {
                if (retired) {
                    return null;
                }
                while (!waiting.isEmpty() && waitingEvents + request.events().size() > maxWaitingEvents
                        && waiting.last().priority() < request.priority()) {
                    Request lowest = waiting.pollLast();
                    waitingEvents -= lowest.events().size();
                    turnedAway.add(lowest);
                }
                admitted = waiting.isEmpty() || waitingEvents + request.events().size() <= maxWaitingEvents;
                if (admitted) {
                    waiting.add(request);
                    waitingEvents += request.events().size();
                }
            }
            for (Request lowest : turnedAway) {
                lowest.result().completeExceptionally(new OverloadedException("requests of higher priority took the "
                        + "place of this one on channel " + key.tag() + "; retry after 1 s", Duration.ofSeconds(1)));
            }
            return admitted;
        }

        synchronized int waitingEvents() {
            return waitingEvents;
        }

        synchronized int waitingRequests() {
            return waiting.size();
        }

        /**
         * Sends commands while slots are free and requests wait. One thread at a time sends for a
         * lane; a completion that arrives meanwhile (even on the sending thread itself, from a
         * future already complete) only asks it to look again, so nothing recurses.
         */
        void sendWhatFits() {
            synchronized (this) {
                if (sending) {
                    lookAgain = true;
                    return;
                }
                sending = true;
            }
            while (true) {
                List<Request> group;
                synchronized (this) {
                    lookAgain = false;
                    group = nextGroup();
                    if (group == null && !lookAgain) {
                        sending = false;
                        return;
                    }
                }
                if (group != null) {
                    send(group);
                }
            }
        }

        // guarded by this
        private List<Request> nextGroup() {
            if (inFlight >= maxInFlight || waiting.isEmpty()) {
                if (inFlight == 0 && waiting.isEmpty()) {
                    retired = true;
                    lanes.remove(key, this);
                }
                return null;
            }
            List<Request> group = new ArrayList<>();
            int events = 0;
            long bytes = 0;
            while (!waiting.isEmpty()) {
                Request next = waiting.first();
                boolean fits = events + next.events().size() <= maxEvents && bytes + next.bytes() <= maxBytes;
                if (!group.isEmpty() && !fits) {
                    break;
                }
                waiting.pollFirst();
                waitingEvents -= next.events().size();
                if (next.result().isDone()) {
                    continue; // its caller gave up waiting (cancelled): not sent
                }
                group.add(next);
                events += next.events().size();
                bytes += next.bytes();
                if (!fits) {
                    break; // a request too large on its own travels alone
                }
            }
            if (group.isEmpty()) {
                return nextGroup();
            }
            inFlight++;
            return group;
        }

        private void send(List<Request> group) {
            int priority = 0;
            List<byte[]> events = new ArrayList<>();
            for (Request request : group) {
                priority = Math.max(priority, request.priority());
                events.addAll(request.events());
            }
            commandsSent.increment();
            requestsSent.add(group.size());
            CompletableFuture<CommandResult> sent;
            try {
                sent = sender.send(priority, new Publish(key.tag(), events), key.unordered());
            } catch (Throwable e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((result, failure) -> {
                synchronized (this) {
                    inFlight--;
                }
                try {
                    answer(group, result, failure);
                } finally {
                    sendWhatFits();
                }
            });
        }
    }

    /** Hands each request of a command its share of the result. */
    private static void answer(List<Request> group, CommandResult result, Throwable failure) {
        if (failure != null) {
            group.forEach(r -> r.result().completeExceptionally(failure));
            return;
        }
        if (group.size() == 1) {
            group.get(0).result().complete(result);
            return;
        }
        if (!(result instanceof CommandResult.Published published)) {
            group.forEach(r -> r.result().complete(result)); // a refusal of the whole command
            return;
        }
        int total = group.stream().mapToInt(r -> r.events().size()).sum();
        if (published.outcomes().size() != total) {
            IllegalStateException wrong = new IllegalStateException("the replicas answered " + published.outcomes().size()
                    + " outcomes for a publish of " + total + " events");
            group.forEach(r -> r.result().completeExceptionally(wrong));
            return;
        }
        int from = 0;
        for (Request request : group) {
            int to = from + request.events().size();
            List<EventOutcome> share = List.copyOf(published.outcomes().subList(from, to));
            request.result().complete(new CommandResult.Published(share));
            from = to;
        }
    }
}
