package fitmon.client.local;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The lab verbs against the services of a running local suite: status, kill (SIGKILL), restart
 * (with the same arguments, data directory and keys), pause (SIGSTOP) and resume (SIGCONT). A
 * service is named as it is in the suite ({@code replica-1}, {@code gateway}, …) or, for a
 * replica, by its number alone.
 */
final class Lab {

    /** The verbs, as the control endpoint and {@code fitmon lab} name them. */
    static final List<String> VERBS = List.of("status", "kill", "restart", "pause", "resume", "lie", "partition");

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final List<ChildProcess> services;
    private final Duration startTimeout;
    private final BooleanSupplier stopping;
    private final Consumer<String> say;
    private final ReplicaLab replicaLab;

    /**
     * @param services     every service of the suite, in start order
     * @param startTimeout how long a restarted service may take to answer on its ready URL
     * @param stopping     true once the suite is stopping: nothing is started any more
     * @param say          where the suite tells what the lab did
     * @param replicaLab   the replicas' lab endpoints; null when the suite was not started with {@code --lab}
     */
    Lab(List<ChildProcess> services, Duration startTimeout, BooleanSupplier stopping, Consumer<String> say,
        ReplicaLab replicaLab) {
        this.replicaLab = replicaLab;
        this.services = List.copyOf(services);
        this.startTimeout = startTimeout;
        this.stopping = stopping;
        this.say = say;
    }

    LabAnswer run(String verb, String target) {
        if (stopping.getAsBoolean()) {
            return new LabAnswer(LabAnswer.STOPPING, "the suite is stopping");
        }
        if (verb.equals("status")) {
            return LabAnswer.ok(status());
        }
        if (!VERBS.contains(verb)) {
            return new LabAnswer(LabAnswer.UNKNOWN, "unknown lab verb '" + verb + "': one of " + VERBS);
        }
        if (verb.equals("lie")) {
            return lie(target);
        }
        if (verb.equals("partition")) {
            return partition(target);
        }
        Optional<ChildProcess> service = find(target);
        if (service.isEmpty()) {
            return new LabAnswer(LabAnswer.UNKNOWN, "no service '" + target + "' in this suite: one of "
                    + String.join(", ", names()) + " (a replica also by its number, e.g. 1)");
        }
        try {
            return switch (verb) {
                case "kill" -> kill(service.get());
                case "restart" -> restart(service.get());
                case "pause" -> pause(service.get());
                default -> resume(service.get());
            };
        } catch (IOException e) {
            return new LabAnswer(LabAnswer.FAILED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LabAnswer(LabAnswer.STOPPING, "interrupted: the suite is stopping");
        }
    }

    /** {@code partition}: the target is "NAME PEERS", PEERS a comma-separated list of replica numbers, {@code all} or {@code none}. */
    private LabAnswer partition(String target) {
        if (replicaLab == null) {
            return new LabAnswer(LabAnswer.CONFLICT, "this suite was not started in lab mode, so its replicas refuse to"
                    + " cut their links: stop it and start it with `./fitmon-local --lab`");
        }
        String[] words = target == null ? new String[0] : target.trim().split("\\s+");
        if (words.length != 2) {
            return new LabAnswer(LabAnswer.UNKNOWN, "partition needs a replica and its peers to cut off, e.g. `3 all` or `3 0,1`");
        }
        Optional<ChildProcess> replica = find(words[0]);
        if (replica.isEmpty() || !replica.get().name.startsWith("replica-")) {
            return new LabAnswer(LabAnswer.UNKNOWN, "no replica '" + words[0] + "' in this suite");
        }
        int own = Integer.parseInt(replica.get().name.substring("replica-".length()));
        int n = (int) services.stream().filter(s -> s.name.startsWith("replica-")).count();
        List<Integer> peers = new java.util.ArrayList<>();
        if (words[1].equals("all")) {
            for (int id = 0; id < n; id++) {
                if (id != own) {
                    peers.add(id);
                }
            }
        } else if (!words[1].equals("none")) {
            for (String peer : words[1].split(",")) {
                try {
                    peers.add(Integer.parseInt(peer.trim().replace("replica-", "")));
                } catch (NumberFormatException e) {
                    return new LabAnswer(LabAnswer.UNKNOWN, "'" + peer + "' is not a replica number");
                }
            }
        }
        return toldReplica(() -> replicaLab.cutOff(replica.get().name, peers));
    }

    /** What a replica's lab endpoint answered, said in the suite's terminal when it was done. */
    private interface ReplicaCall {
        LabAnswer call() throws InterruptedException;
    }

    private LabAnswer toldReplica(ReplicaCall call) {
        try {
            LabAnswer answer = call.call();
            if (answer.status() == LabAnswer.OK) {
                say.accept("lab: " + answer.text());
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LabAnswer(LabAnswer.STOPPING, "interrupted: the suite is stopping");
        }
    }

    /** {@code lie}: the target is "NAME MODE [DELAY_MILLIS]". */
    private LabAnswer lie(String target) {
        if (replicaLab == null) {
            return new LabAnswer(LabAnswer.CONFLICT, "this suite was not started in lab mode, so its replicas refuse to"
                    + " misbehave: stop it and start it with `./fitmon-local --lab`");
        }
        String[] words = target == null ? new String[0] : target.trim().split("\\s+");
        if (words.length < 2 || words.length > 3) {
            return new LabAnswer(LabAnswer.UNKNOWN, "lie needs a replica and a mode, e.g. `3 equivocate`");
        }
        Optional<ChildProcess> replica = find(words[0]);
        if (replica.isEmpty()) {
            return new LabAnswer(LabAnswer.UNKNOWN, "no service '" + words[0] + "' in this suite: a replica, e.g. 3");
        }
        Long delay = null;
        if (words.length == 3) {
            try {
                delay = Long.parseLong(words[2]);
            } catch (NumberFormatException e) {
                return new LabAnswer(LabAnswer.UNKNOWN, "the delay must be milliseconds, got '" + words[2] + "'");
            }
        }
        Long told = delay;
        return toldReplica(() -> replicaLab.tell(replica.get().name, words[1], told));
    }

    private String status() {
        StringBuilder lines = new StringBuilder();
        for (ChildProcess service : services) {
            String state;
            if (service.paused()) {
                state = "paused   pid " + service.pid();
            } else if (service.alive()) {
                state = "running  pid " + service.pid();
            } else {
                state = "down     " + ExitDescription.of(service);
            }
            if (replicaLab != null && service.alive() && !service.paused() && service.name.startsWith("replica-")) {
                try {
                    String mode = replicaLab.current(service.name);
                    state += mode == null ? "" : "  lab: " + mode;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lines.append(String.format("%-11s %s%n", service.name, state));
        }
        return lines.toString().stripTrailing();
    }

    private LabAnswer kill(ChildProcess service) throws InterruptedException {
        if (!service.alive()) {
            return down(service);
        }
        long pid = service.pid();
        service.kill("fitmon lab kill");
        return LabAnswer.ok(service.name + " killed (SIGKILL to pid " + pid + "); `fitmon lab restart " + service.name
                + "` brings it back");
    }

    private LabAnswer pause(ChildProcess service) throws IOException, InterruptedException {
        if (!service.alive()) {
            return down(service);
        }
        if (service.paused()) {
            return new LabAnswer(LabAnswer.CONFLICT, service.name + " is already paused; `fitmon lab resume "
                    + service.name + "` continues it");
        }
        service.pause();
        say.accept(service.name + " paused by fitmon lab (SIGSTOP to pid " + service.pid() + ")");
        return LabAnswer.ok(service.name + " paused (SIGSTOP to pid " + service.pid() + "); `fitmon lab resume "
                + service.name + "` continues it");
    }

    private LabAnswer resume(ChildProcess service) throws IOException, InterruptedException {
        if (!service.alive()) {
            return down(service);
        }
        if (!service.paused()) {
            return new LabAnswer(LabAnswer.CONFLICT, service.name + " is not paused");
        }
        service.resume();
        say.accept(service.name + " resumed by fitmon lab (SIGCONT to pid " + service.pid() + ")");
        return LabAnswer.ok(service.name + " resumed (SIGCONT to pid " + service.pid() + ")");
    }

    private LabAnswer restart(ChildProcess service) throws IOException, InterruptedException {
        if (service.alive()) {
            say.accept("stopping " + service.name + " for fitmon lab restart");
            service.stop("fitmon lab restart", STOP_GRACE);
        }
        say.accept("starting " + service.name + " again (fitmon lab restart)");
        service.start();
        service.awaitReady(startTimeout);
        String ready = service.name + " restarted (pid " + service.pid() + ")"
                + service.readyUrl.map(url -> ", answering on " + url).orElse("");
        say.accept(ready);
        return LabAnswer.ok(ready + (service.name.startsWith("replica-")
                ? "; it catches up with the others by state transfer" : ""));
    }

    private static LabAnswer down(ChildProcess service) {
        return new LabAnswer(LabAnswer.CONFLICT, service.name + " is already down: " + ExitDescription.of(service)
                + "; `fitmon lab restart " + service.name + "` starts it");
    }

    private Optional<ChildProcess> find(String target) {
        String name = target == null ? "" : target.trim();
        if (name.matches("\\d+")) {
            name = "replica-" + Integer.parseInt(name);
        }
        for (ChildProcess service : services) {
            if (service.name.equals(name)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    private List<String> names() {
        return services.stream().map(service -> service.name).toList();
    }
}
