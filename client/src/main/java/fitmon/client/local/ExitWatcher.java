package fitmon.client.local;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches the suite's services and reports each exit once — which service, its exit code, its log
 * and the log's last lines, and what the suite does without it — while the others keep running.
 * Nothing is restarted by itself: {@code fitmon lab restart NAME} does that.
 */
final class ExitWatcher {

    private static final int TAIL_LINES = 12;

    private final List<ChildProcess> services;
    private final BooleanSupplier stopping;
    private final Consumer<String> say;

    ExitWatcher(List<ChildProcess> services, BooleanSupplier stopping, Consumer<String> say) {
        this.services = List.copyOf(services);
        this.stopping = stopping;
        this.say = say;
    }

    /** Reports exits until the suite stops; returns then. */
    void watch() throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            for (ChildProcess service : services) {
                if (!stopping.getAsBoolean() && service.takeExit()) {
                    report(service).ifPresent(say);
                }
            }
            Thread.sleep(500);
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
        report.append("fitmon-local: ").append(consequence(service.name))
                .append(" (the suite keeps running; `fitmon lab restart ").append(service.name)
                .append("` starts it again)");
        return Optional.of(report.toString());
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
