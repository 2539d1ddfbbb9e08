package fitmon.gateway.edge;

import fitmon.testkit.FreePorts;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Settings for a gateway tested at its edge alone: a registry URL of the test's choice, and a group
 * of four replicas nobody runs (peers on free ports, read API on a closed port).
 */
final class NoReplicas {

    private NoReplicas() {
    }

    static void settings(DynamicPropertyRegistry registry, String registryUrl, int closedPort) {
        registry.add("fitmon.gateway.registry.url", () -> registryUrl);
        registry.add("fitmon.gateway.registry.service-token", () -> "test-token");
        int base = FreePorts.pair();
        registry.add("fitmon.gateway.cluster.peers", () -> "127.0.0.1:" + base + ",127.0.0.1:" + (base + 10) + ",127.0.0.1:"
                + (base + 20) + ",127.0.0.1:" + (base + 30));
        String closed = "http://127.0.0.1:" + closedPort;
        registry.add("fitmon.gateway.cluster.replica-urls", () -> String.join(",", closed, closed, closed, closed));
    }
}
