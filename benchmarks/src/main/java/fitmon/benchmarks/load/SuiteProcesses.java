package fitmon.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the processes of the fitmon suite behind a gateway URL in /proc: the JVM whose
 * {@code --server.port} is the gateway's port, then the registry and replicas its own command line
 * names ({@code --fitmon.gateway.registry.url}, {@code --fitmon.gateway.cluster.replica-urls}).
 * Also finds local NATS and RabbitMQ servers, for the baselines' CPU.
 */
final class SuiteProcesses {

    /** One process's command line, split at NUL. */
    record CommandLine(long pid, List<String> arguments) {

        String option(String name) {
            for (String argument : arguments) {
                if (argument.startsWith(name + "=")) {
                    return argument.substring(name.length() + 1);
                }
            }
            return null;
        }

        /** The JVM flags: the arguments between the java executable and -jar / -cp / the main class. */
        List<String> jvmFlags() {
            List<String> flags = new ArrayList<>();
            for (String argument : arguments.subList(1, arguments.size())) {
                if (!argument.startsWith("-") || argument.equals("-jar") || argument.equals("-cp")
                        || argument.equals("-classpath")) {
                    break;
                }
                if (argument.startsWith("-X")) {
                    flags.add(argument);
                }
            }
            return flags;
        }
    }

    private final List<CommandLine> all;

    private SuiteProcesses(List<CommandLine> all) {
        this.all = all;
    }

    static SuiteProcesses scan() {
        List<CommandLine> all = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] raw = Files.readAllBytes(entry.resolve("cmdline"));
                    if (raw.length > 0) {
                        all.add(new CommandLine(Long.parseLong(name),
                                Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"))));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone or not ours to read
                }
            }
        } catch (IOException e) {
            // no /proc: nothing found
        }
        return new SuiteProcesses(all);
    }

    /** The gateway, the registry and the replicas (replica-ID) behind {@code gatewayUrl}, by name. */
    Map<String, CommandLine> fitmon(String gatewayUrl) {
        Map<String, CommandLine> found = new LinkedHashMap<>();
        CommandLine gateway = byPort(URI.create(gatewayUrl).getPort(), "gateway");
        if (gateway == null) {
            return found;
        }
        found.put("gateway", gateway);
        String registryUrl = gateway.option("--fitmon.gateway.registry.url");
        if (registryUrl != null) {
            CommandLine registry = byPort(URI.create(registryUrl).getPort(), "registry");
            if (registry != null) {
                found.put("registry", registry);
            }
        }
        String replicaUrls = gateway.option("--fitmon.gateway.cluster.replica-urls");
        Map<Integer, CommandLine> replicas = new TreeMap<>();
        if (replicaUrls != null) {
            for (String url : replicaUrls.split(",")) {
                CommandLine replica = byPort(URI.create(url.strip()).getPort(), "broker");
                if (replica != null && replica.option("--fitmon.broker.replica-id") != null) {
                    replicas.put(Integer.parseInt(replica.option("--fitmon.broker.replica-id")), replica);
                }
            }
        }
        replicas.forEach((id, replica) -> found.put("replica-" + id, replica));
        return found;
    }

    /** Local NATS and RabbitMQ server processes, by name. */
    Map<String, Long> brokers() {
        Map<String, Long> found = new LinkedHashMap<>();
        for (CommandLine line : all) {
            String executable = Path.of(line.arguments().get(0)).getFileName().toString();
            if (executable.equals("nats-server")) {
                found.put("nats-server", line.pid());
            } else if (executable.equals("beam.smp") && String.join(" ", line.arguments()).contains("rabbit")) {
                found.put("rabbitmq (beam.smp)", line.pid());
            }
        }
        return found;
    }

    private CommandLine byPort(int port, String jarWord) {
        if (port < 0) {
            return null;
        }
        for (CommandLine line : all) {
            boolean java = line.arguments().get(0).endsWith("java");
            // a gateway on HTTPS has its plain development port beside it (./fitmon-local: 8081)
            boolean onPort = line.arguments().contains("--server.port=" + port)
                    || line.arguments().contains("--fitmon.gateway.plain-http.port=" + port);
            if (java && onPort
                    && line.arguments().stream().anyMatch(a -> a.contains(jarWord))) {
                return line;
            }
        }
        return null;
    }
}
