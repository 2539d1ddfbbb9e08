package fitmon.client.local;

import java.util.Map;

/** How a service's last run ended, in words: its exit code, the signal behind it, and who ended it. */
final class ExitDescription {

    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL",
            11, "SIGSEGV", 15, "SIGTERM");

    private ExitDescription() {
    }

    static String of(ChildProcess service) {
        return service.exitCode().map(code -> of(code) + service.endedBy().map(by -> ", by " + by).orElse(""))
                .orElse("not started");
    }

    /** {@code exit code 137 (SIGKILL)}: on Linux and macOS, a process ended by signal s exits with 128 + s. */
    static String of(int code) {
        if (code > 128 && code < 160) {
            int signal = code - 128;
            return "exit code " + code + " (" + SIGNALS.getOrDefault(signal, "signal " + signal) + ")";
        }
        return "exit code " + code;
    }
}
