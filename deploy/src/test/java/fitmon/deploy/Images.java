package fitmon.deploy;

import java.util.Map;

/** The image name of each module, as its {@code images} profile builds it (tag: the project version). */
final class Images {

    static final Map<String, String> NAMES = Map.of(
            "broker-service", "fitmon/broker",
            "registry-service", "fitmon/registry",
            "gateway", "fitmon/gateway",
            "console-web", "fitmon/console-web",
            "client", "fitmon/client");

    /** Images the Helm chart runs; the client image only runs the compose file's demo probe. */
    static boolean inChart(String module) {
        return !"client".equals(module);
    }

    private Images() {
    }
}
