package fitmon.client.local;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches the suite's services and reports each exit once — which service, its exit code, its log
 * and the log's last lines, and what the suite does without it — while the others keep running.
 * A service that ended by itself is started again under the {@link RestartPolicy}; one that
 * {@code fitmon lab} or the suite stopped stays down ({@code fitmon lab restart NAME} starts it).
 */
final class ExitWatcher {

    private static final int TAIL_LINES = 12;

    private final List<ChildProcess> services;
    private final BooleanSupplier stopping;
    private final Consumer<String> say;
    private final RestartPolicy policy;
    private final Map<ChildProcess, RestartPolicy.History> histories = new HashMap<>();
    private final Map<ChildProcess, Long> restartDue = new HashMap<>();

    ExitWatcher(List<ChildProcess> services, BooleanSupplier stopping, Consumer<String> say, RestartPolicy policy) {
        this.services = List.copyOf(services);
        this.stopping = stopping;
        this.say = say;
        this.policy = policy;
    }

    /** Reports exits, and restarts what the policy says, until the suite stops; returns then. */
    void watch() throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            for (ChildProcess service : services) {
                if (!stopping.getAsBoolean() && service.takeExit()) {
                    report(service).ifPresent(say);
                }
            }
            restartDue();
            Thread.sleep(200);
        }
    }

    private void restartDue() {
        long now = System.nanoTime();
        for (Map.Entry<ChildProcess, Long> due : Map.copyOf(restartDue).entrySet()) {
            ChildProcess service = due.getKey();
            if (now - due.getValue() < 0 || stopping.getAsBoolean()) {
                continue;
            }
            restartDue.remove(service);
            if (service.alive()) {
                continue; // started meanwhile by fitmon lab restart
            }
            try {
                service.start();
                histories.get(service).restarted(now);
                say.accept(service.name + " started again by the suite (pid " + service.pid() + ")"
                        + (service.name.startsWith("replica-") ? "; it catches up with the others by state transfer" : ""));
            } catch (IOException | RuntimeException e) {
                say.accept("could not start " + service.name + " again: " + e.getMessage());
            }
        }
    }

    /** What is said about a run that ended; empty for one that {@code fitmon lab restart} ended, as it says so itself. */
    Optional<String> report(ChildProcess service) {
        Optional<String> endedBy = service.endedBy();
        if (endedBy.filter(by -> by.contains("restart")).isPresent()) {
            return Optional.empty();
        }
        StringBuilder report = new StringBuilder(service.name + (endedBy.isPresent() ? " stopped: " : " stopped by itself: ")
                + ExitDescription.of(service) + "; log " + service.log);
        if (endedBy.isEmpty()) {
            report.append(", last lines:\n");
            service.tail(TAIL_LINES).lines().forEach(line -> report.append("    ").append(line).append('\n'));
        } else {
            report.append('\n');
        }
        if (endedBy.isEmpty() && policy.maxRestarts() > 0) {
            RestartPolicy.History history = histories.computeIfAbsent(service, s -> policy.history());
            Duration delay = history.nextDelay(System.nanoTime());
            if (delay != null) {
                restartDue.put(service, System.nanoTime() + delay.toNanos());
                return Optional.of(report.append("fitmon-local: starting ").append(service.name).append(" again in ")
                        .append(seconds(delay)).append(" (restart ").append(history.count() + 1).append(" of at most ")
                        .append(policy.maxRestarts()).append(" within ").append(policy.window().toMinutes())
                        .append(" min)").toString());
            }
            report.append("fitmon-local: ").append(service.name).append(" ended by itself after ").append(history.count())
                    .append(" restarts within ").append(policy.window().toMinutes()).append(" min: not restarted again; ");
        } else {
            report.append("fitmon-local: ");
        }
        report.append(consequence(service.name))
                .append(" (the suite keeps running; `fitmon lab restart ").append(service.name)
                .append("` starts it again)");
        return Optional.of(report.toString());
    }

    private static String seconds(Duration delay) {
        return delay.toMillis() % 1000 == 0 ? delay.toSeconds() + " s" : delay.toMillis() + " ms";
    }

    private static String consequence(String name) {
        if (name.startsWith("replica-")) {
            return name + " stays down; the other replicas go on ordering as long as at most f = 1 is down";
        }
        return switch (name) {
            case "gateway" -> "the gateway is a single point of the local suite: nothing is published or ordered"
                    + " until it is back";
            case "registry" -> "the registry is a single point of the local suite: keys the gateway has not cached,"
                    + " enrolment and console sign-in fail until it is back";
            case "console" -> "the console is gone until it is back; the gateway and the replicas are unaffected";
            case "demo-probe" -> "the demo probe stays down: demo.host gets no new events";
            default -> name + " stays down";
        };
    }
}
